package auth

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := Hasher{Memory: 1024, Time: 1, Threads: 1}
	enc, err := h.Hash("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("encoding %q", enc)
	}
	if ok, err := Verify(enc, "s3cret-pass"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := Verify(enc, "s3cret-pasS"); ok {
		t.Fatal("wrong password accepted")
	}
	again, _ := h.Hash("s3cret-pass")
	if again == enc {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=1024,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaA", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$"} {
		if ok, err := Verify(bad, "x"); ok || err != ErrBadHash {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrBadHash", bad, ok, err)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := NewSecret(32), NewSecret(32)
	if a == b || len(a) != 43 {
		t.Fatalf("secrets %q %q", a, b)
	}
	tok, shown := NewAPIToken()
	if !strings.HasPrefix(tok, TokenPrefix) || !strings.HasPrefix(tok, shown) || len(shown) != len(TokenPrefix)+6 {
		t.Fatalf("token %q shown %q", tok, shown)
	}
	if HashSecret("x") == HashSecret("y") || len(HashSecret("x")) != 64 {
		t.Fatal("HashSecret")
	}
	a1 := &Authenticator{SessionKey: []byte("k1")}
	a2 := &Authenticator{SessionKey: []byte("k2")}
	if a1.SessionHash("s") == a2.SessionHash("s") || a1.SessionHash("s") == HashSecret("s") {
		t.Fatal("session hash does not depend on the key")
	}
}
