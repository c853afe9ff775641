// Package wordsplit splits names (environment variables, config keys, task
// names) into words at separators and camelCase boundaries, so that the
// families that judge a name by its words all see the same words.
package wordsplit

import "unicode"

// Options says where a family's names break and how its word lists are
// spelled; the zero value splits at every rune that is not a letter or a
// digit and keeps the case.
type Options struct {
	// Sep reports whether r separates words and is dropped. Nil: every rune
	// that is neither a letter nor a digit. A family that only knows
	// _, - and . keeps other punctuation inside the word instead.
	Sep func(r rune) bool
	// Acronyms also breaks an upper-case run before its last letter when a
	// lower-case one follows (HTTPServer → HTTP Server); without it the
	// acronym stays one word with what follows (HTTPServer → HTTPServer).
	Acronyms bool
	// Case spells each word (strings.ToLower, strings.ToUpper) to match the
	// family's word tables; nil keeps the name's own case.
	Case func(string) string
}

// Split returns the words of s: "AWS_SECRET_ACCESS_KEY" → AWS SECRET
// ACCESS KEY, "typeCheck" → type Check. Digits belong to the word they
// follow (apiKey2 → api Key2). A name of separators only has no words.
func Split(s string, o Options) []string {
	sep := o.Sep
	if sep == nil {
		sep = notLetterOrDigit
	}
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := string(cur)
		if o.Case != nil {
			w = o.Case(w)
		}
		words = append(words, w)
		cur = cur[:0]
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case sep(r):
			flush()
		case i > 0 && unicode.IsUpper(r) &&
			(unicode.IsLower(rs[i-1]) ||
				o.Acronyms && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

func notLetterOrDigit(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
