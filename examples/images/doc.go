// Package images holds sample drawings for the examples: a hand-style "2"
// like the tutorial's own test image, drawn by gen.go so the project ships
// images it made itself.
package images

//go:generate go run gen.go
