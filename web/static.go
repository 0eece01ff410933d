package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFiles serves the embedded static files under checksummed URLs
// (/static/<hash>/app.css), so they can be cached forever and change with the binary.
type staticFiles struct {
	files  map[string][]byte // name → content
	hashes map[string]string // name → short hash
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{files: map[string][]byte{}, hashes: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticFS, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		sf.files[name] = b
		sf.hashes[name] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return sf, err
}

// url returns the checksummed URL of a static file.
func (sf *staticFiles) url(name string) string {
	return "/static/" + sf.hashes[name] + "/" + name
}

func (sf *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, name, ok := strings.Cut(rest, "/")
	b, found := sf.files[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if hash == sf.hashes[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}
