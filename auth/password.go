// Package auth hashes passwords (argon2id), makes and hashes secrets for sessions and API
// tokens, and logs users in with throttling of failed attempts.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes passwords with argon2id. The parameters are stored in each hash (PHC
// string format), so they can be raised later without breaking old hashes.
type Hasher struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHasher follows OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 thread.
var DefaultHasher = Hasher{Memory: 19 * 1024, Time: 2, Threads: 1}

// FastHasher is for tests only: cheap enough to run hundreds of logins under -race.
var FastHasher = Hasher{Memory: 64, Time: 1, Threads: 1}

// slots bounds the argon2 computations running at once to half the CPUs (at least one).
// Each takes tens of milliseconds of one core and Memory KiB of RAM: 200 users logging in
// at the same moment would otherwise run 200 of them side by side (3.8 GB at the default
// 19 MiB), starve every other request of CPU and finish all of them late. Queued checks
// wait their turn instead, and the other half of the CPUs keeps serving pages.
var slots = make(chan struct{}, max(1, (runtime.GOMAXPROCS(0)+1)/2))

// acquire takes a slot, or gives up with ctx's error when ctx ends first.
func acquire(ctx context.Context) (release func(), err error) {
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Hash returns the PHC string of the password.
func (h Hasher) Hash(password string) (string, error) {
	return h.HashContext(context.Background(), password)
}

// HashContext is Hash waiting at most until ctx ends for its turn (see slots).
func (h Hasher) HashContext(ctx context.Context, password string) (string, error) {
	release, err := acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.Memory, h.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrBadHash is returned for a stored hash that cannot be parsed.
var ErrBadHash = errors.New("auth: malformed password hash")

// Verify reports whether password matches the PHC string, in constant time.
func Verify(encoded, password string) (bool, error) {
	return VerifyContext(context.Background(), encoded, password)
}

// VerifyContext is Verify waiting at most until ctx ends for its turn (see slots): a login
// whose request has timed out does not spend a core on an answer nobody reads.
func VerifyContext(ctx context.Context, encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, ErrBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrBadHash
	}
	release, err := acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewSecret returns a random URL-safe secret of n bytes of entropy.
func NewSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret returns the hex SHA-256 of a session or token secret: secrets are random and
// long, so a fast hash is enough and lets the database look them up by index.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenPrefix is how API tokens begin, so that they are easy to recognise in leaks.
const TokenPrefix = "ding_"

// NewAPIToken returns a new API token secret and the prefix shown in lists.
func NewAPIToken() (secret, shown string) {
	secret = TokenPrefix + NewSecret(24)
	return secret, secret[:len(TokenPrefix)+6]
}
