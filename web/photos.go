package web

// Photos of progress reports: checked by content (not by name), stored once per content
// under <DataDir>/photos/<sha256 hex>, and served only to callers who can see a report
// that has them.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
)

const (
	photoMaxCount = 10      // per report
	photoMaxBytes = 5 << 20 // per photo
	photoMaxName  = 100     // runes of the original file name kept
)

// photoUpload is an uploaded file that passed the checks.
type photoUpload struct {
	fh   *multipart.FileHeader
	name string
	mime string
}

// checkPhotos checks the uploaded files before anything is stored: at most photoMaxCount,
// each at most photoMaxBytes, and each a JPEG or PNG by its content (whatever its name
// says) that decodes far enough to give its dimensions. Empty file inputs are skipped.
func checkPhotos(files []*multipart.FileHeader) ([]photoUpload, error) {
	var out []photoUpload
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty <input type=file>
		}
		out = append(out, photoUpload{fh: fh, name: photoName(fh.Filename)})
	}
	if len(out) > photoMaxCount {
		return nil, ding.FieldError("photos", "photos.too_many", photoMaxCount, len(out))
	}
	for i := range out {
		u := &out[i]
		if u.fh.Size > photoMaxBytes {
			return nil, ding.FieldError("photos", "photos.too_big", u.name, byteSize(photoMaxBytes))
		}
		f, err := u.fh.Open()
		if err != nil {
			return nil, ding.Internal(err, "open upload")
		}
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		u.mime = http.DetectContentType(head[:n])
		var cfgErr error
		switch u.mime {
		case "image/jpeg", "image/png":
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				f.Close()
				return nil, ding.Internal(err, "seek upload")
			}
			var cfg image.Config
			if u.mime == "image/png" {
				cfg, cfgErr = png.DecodeConfig(f)
			} else {
				cfg, cfgErr = jpeg.DecodeConfig(f)
			}
			if cfgErr == nil && (cfg.Width == 0 || cfg.Height == 0) {
				cfgErr = errors.New("empty image")
			}
		default:
			f.Close()
			return nil, ding.FieldError("photos", "photos.bad_type", u.name)
		}
		f.Close()
		if cfgErr != nil {
			return nil, ding.FieldError("photos", "photos.damaged", u.name)
		}
	}
	return out, nil
}

// photoName is the base of an uploaded file's name, without control characters, cut to
// photoMaxName runes.
func photoName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, `\`, "/"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if s == "." || s == "/" {
		s = ""
	}
	if utf8.RuneCountInString(s) > photoMaxName {
		s = string([]rune(s)[:photoMaxName])
	}
	return strings.TrimSpace(s)
}

// photoDir is where photos live.
func (s *Server) photoDir() string { return filepath.Join(s.opts.DataDir, "photos") }

// storePhoto writes an upload to the photo directory under its SHA-256 and returns the
// photo to record.
func (s *Server) storePhoto(u photoUpload) (ding.Photo, error) {
	hash, n, err := storeBlob(s.photoDir(), u.fh, photoMaxBytes)
	if err != nil {
		return ding.Photo{}, err
	}
	return ding.Photo{Hash: hash, Name: u.name, MIME: u.mime, Size: n}, nil
}

// storeBlob writes an upload into dir under its SHA-256 (hex) and returns the hash and
// size. It writes a temporary file in the same directory and renames it, so a crash never
// leaves half a file under a real name; content already stored is kept as it is and the
// new copy dropped. More than max bytes is an error (the caller checked the size before).
func storeBlob(dir string, fh *multipart.FileHeader, max int64) (string, int64, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", 0, ding.Internal(err, "blob dir")
	}
	src, err := fh.Open()
	if err != nil {
		return "", 0, ding.Internal(err, "open upload")
	}
	defer src.Close()
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", 0, ding.Internal(err, "blob temp")
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(src, max+1))
	if err == nil && n > max {
		err = errors.New("upload grew beyond its limit")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, ding.Internal(err, "write blob")
	}
	hash := hex.EncodeToString(h.Sum(nil))
	final := filepath.Join(dir, hash)
	if _, err := os.Stat(final); errors.Is(err, fs.ErrNotExist) {
		if err := os.Chmod(tmp.Name(), 0o640); err != nil {
			return "", 0, ding.Internal(err, "blob mode")
		}
		if err := os.Rename(tmp.Name(), final); err != nil {
			return "", 0, ding.Internal(err, "store blob")
		}
	} else if err != nil {
		return "", 0, ding.Internal(err, "stat blob")
	}
	return hash, n, nil
}

// validPhotoHash reports whether s is a lower-case hex SHA-256, the only names the photo
// directory has (so a path can never leave it).
func validPhotoHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// photoServe answers GET /reports/{id}/photos/{hash}: the photo, if the caller can see the
// report (the store applies the scope) and the report has it; 404 otherwise.
func (s *Server) photoServe(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	hash := r.PathValue("hash")
	if !validPhotoHash(hash) {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	rep, err := s.db.FindReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	var ph *ding.Photo
	for i := range rep.Photos {
		if rep.Photos[i].Hash == hash {
			ph = &rep.Photos[i]
			break
		}
	}
	if ph == nil {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	f, err := os.Open(filepath.Join(s.photoDir(), hash))
	if errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("photo file missing", "hash", hash, "report", id)
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	if err != nil {
		return ding.Internal(err, "open photo")
	}
	defer f.Close()
	h := w.Header()
	ctype := ph.MIME
	if ctype != "image/jpeg" && ctype != "image/png" {
		ctype = "application/octet-stream" // never let a stored type turn into HTML
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// The content never changes under its hash, but who may see it can: keep it private.
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+hash+`"`)
	h.Set("Content-Disposition", contentDisposition("inline", ph.Name))
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

// contentDisposition builds the header with an ASCII fallback and the UTF-8 name.
func contentDisposition(kind, name string) string {
	var ascii bytes.Buffer
	for _, r := range name {
		if r < 0x7f && r >= 0x20 && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	if ascii.Len() == 0 {
		ascii.WriteString("photo")
	}
	return kind + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + url.PathEscape(name)
}
