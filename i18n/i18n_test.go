package i18n

import "testing"

func TestFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                        "zh",
		"en-US,en;q=0.9":          "en",
		"zh-CN,zh;q=0.9,en;q=0.8": "zh",
		"en;q=0.5, zh-TW;q=0.8":   "zh",
		"fr-FR, en;q=0.3":         "en",
		"de":                      "zh",
		"en;q=bogus":              "en",
	} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestT(t *testing.T) {
	if got := T("zh", "err.too_large", "1 MiB"); got != "提交的内容过大（上限 1 MiB）" {
		t.Errorf("zh: %q", got)
	}
	if got := T("en", "err.too_large", "1 MiB"); got != "The request is too large (limit 1 MiB)" {
		t.Errorf("en: %q", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
	for _, k := range Keys() {
		m := messages[k]
		if m[0] == "" || m[1] == "" {
			t.Errorf("key %q lacks a translation: %q", k, m)
		}
	}
}
