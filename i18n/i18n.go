// Package i18n translates ding's messages. Chinese (zh) is the default language; English
// (en) is available. Messages are looked up by key; a missing English message falls back
// to Chinese, a missing key to the key itself (which tests catch).
package i18n

import (
	"fmt"
	"strconv"
	"strings"
)

// Default is the language used when nothing else is known.
const Default = "zh"

// Supported reports whether lang is a UI language.
func Supported(lang string) bool { return lang == "zh" || lang == "en" }

// T returns the message for key in lang, formatted with args.
func T(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		if len(args) > 0 {
			return key + fmt.Sprint(args...)
		}
		return key
	}
	s := m[0]
	if lang == "en" && m[1] != "" {
		s = m[1]
	}
	if len(args) > 0 {
		copied := false
		for i, a := range args {
			if k, ok := a.(Key); ok {
				if !copied { // never change the caller's slice
					args, copied = append([]any(nil), args...), true
				}
				args[i] = T(lang, string(k))
			}
		}
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Key is an argument that is itself a message key, said in the message's language: an
// error can name a status or an action ("办结", "closed") without choosing the language.
type Key string

// Has reports whether the catalog has key.
func Has(key string) bool { _, ok := messages[key]; return ok }

// Keys returns every key of the catalog (for tests).
func Keys() []string {
	ks := make([]string, 0, len(messages))
	for k := range messages {
		ks = append(ks, k)
	}
	return ks
}

// FromAcceptLanguage picks zh or en from an Accept-Language header, by quality.
func FromAcceptLanguage(h string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tag, q := part, 1.0
		if i := strings.Index(part, ";"); i >= 0 {
			tag = strings.TrimSpace(part[:i])
			if p := strings.TrimSpace(part[i+1:]); strings.HasPrefix(p, "q=") {
				if v, err := strconv.ParseFloat(p[2:], 64); err == nil {
					q = v
				}
			}
		}
		tag = strings.ToLower(tag)
		var lang string
		switch {
		case strings.HasPrefix(tag, "zh"):
			lang = "zh"
		case strings.HasPrefix(tag, "en"):
			lang = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	if best == "" {
		return Default
	}
	return best
}
