package auth

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
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

// While every slot is taken, a check waits; one whose context ends first gives up with the
// context's error, and a waiting one runs as soon as a slot is free.
func TestPasswordChecksBounded(t *testing.T) {
	h := Hasher{Memory: 64, Time: 1, Threads: 1}
	enc, err := h.Hash("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if cap(slots) < 1 || cap(slots) > max(1, runtime.GOMAXPROCS(0)) {
		t.Fatalf("%d slots for %d CPUs", cap(slots), runtime.GOMAXPROCS(0))
	}
	for range cap(slots) {
		slots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if ok, err := VerifyContext(ctx, enc, "s3cret-pass"); ok || err != context.DeadlineExceeded {
		t.Fatalf("verify with every slot taken: %v %v, want deadline exceeded", ok, err)
	}
	if _, err := h.HashContext(ctx, "x"); err != context.DeadlineExceeded {
		t.Fatalf("hash with every slot taken: %v, want deadline exceeded", err)
	}
	done := make(chan bool)
	go func() {
		ok, _ := Verify(enc, "s3cret-pass")
		done <- ok
	}()
	select {
	case <-done:
		t.Fatal("a check ran while every slot was taken")
	case <-time.After(50 * time.Millisecond):
	}
	<-slots // free one
	if ok := <-done; !ok {
		t.Fatal("the waiting check failed")
	}
	for range cap(slots) - 1 {
		<-slots
	}
}
