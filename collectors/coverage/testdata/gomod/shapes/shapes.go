// Package shapes is half tested on purpose: its coverage is below 60%.
package shapes

import "errors"

func Area(w, h int) int {
	return w * h
}

func Perimeter(w, h int) int {
	return 2 * (w + h)
}

func Scale(w, h, f int) (int, int, error) {
	if f <= 0 {
		return 0, 0, errors.New("factor must be positive")
	}
	if f == 1 {
		return w, h, nil
	}
	return w * f, h * f, nil
}

func Describe(w, h int) string {
	switch {
	case w == h:
		return "square"
	case w > h:
		return "wide"
	default:
		return "tall"
	}
}
