package stdlib

import (
	"reflect"

	nsync "github.com/nnlab/nnlab/internal/sync"
)

// User code gets nnlab's mutexes for sync.Mutex and sync.RWMutex (see
// package internal/sync): misusing the standard library's is a fatal error
// that would end the session. This file sorts after the generated sync.go,
// so its init runs after the table it edits is filled.
func init() {
	Symbols["sync/sync"]["Mutex"] = reflect.ValueOf((*nsync.Mutex)(nil))
	Symbols["sync/sync"]["RWMutex"] = reflect.ValueOf((*nsync.RWMutex)(nil))
}
