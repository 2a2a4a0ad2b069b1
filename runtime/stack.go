package runtime

import goruntime "runtime"

var goruntimeStack = goruntime.Stack
