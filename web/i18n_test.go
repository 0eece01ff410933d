package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ding/i18n"
)

// TestI18nKeysExist checks that every message key used in templates and Go code exists in
// the catalog with both a Chinese and an English text, so no page shows a raw key.
func TestI18nKeysExist(t *testing.T) {
	used := map[string]string{} // key → where
	tmplKey := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, p)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys passed to the error constructors and the translator in Go code.
	goKey := regexp.MustCompile(`(?:Errorf\(ding\.[A-Z]+, |Errorf\([A-Z]+, |FieldError\("[a-z_]+", |\.T\(|i18n\.T\([a-zA-Z.]+, )"([a-z_]+\.[a-z_.]*[a-z_])"`)
	root := filepath.Join("..")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	if len(used) < 30 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for key, where := range used {
		if !i18n.Has(key) {
			t.Errorf("%s: key %q is not in the catalog", where, key)
			continue
		}
		if zh, en := i18n.T("zh", key), i18n.T("en", key); zh == en && !strings.HasPrefix(key, "app.") {
			// Same text in both languages usually means a missing English translation.
			if strings.ContainsFunc(zh, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%s: key %q has no English text", where, key)
			}
		}
	}
}

// TestDatabaseDown: with the database gone, pages and the API answer 503 with a clear
// message instead of crashing or pretending the caller is logged out.
func TestDatabaseDown(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.login("office")
	f.db.Close()
	res, body := c.getRes("/")
	if res.StatusCode != 503 || !strings.Contains(body, "数据库暂时无法访问") {
		t.Fatalf("page with the database down: %d %.200s", res.StatusCode, body)
	}
	status, body := f.api("", "GET", "/api/v1/units", "")
	if status != 401 && status != 503 {
		t.Fatalf("api with the database down: %d %s", status, body)
	}
}
