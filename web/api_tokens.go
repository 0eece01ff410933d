package web

import (
	"net/http"
	"strings"

	"ding"
	"ding/auth"
)

func (s *Server) apiTokenRoutes() {
	s.handle("GET /api/v1/tokens", s.api(s.apiListTokens))
	s.handle("POST /api/v1/tokens", s.api(s.apiCreateToken))
	s.handle("DELETE /api/v1/tokens/{id}", s.api(s.apiRevokeToken))
}

// apiListTokens lists the caller's own tokens, newest first, revoked ones included.
func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	toks, err := s.db.FindTokens(r.Context())
	if err != nil {
		return nil, err
	}
	return newAPIList(apiSlice(toks, p), len(toks), p), nil
}

// apiTokenInput is the body of POST /api/v1/tokens.
type apiTokenInput struct {
	Name string `json:"name"`
}

// apiNewToken answers a token creation: the only time the secret is shown.
type apiNewToken struct {
	Token  *ding.Token `json:"token"`
	Secret string      `json:"secret"`
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiTokenInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	secret, shown := auth.NewAPIToken()
	t := &ding.Token{Name: strings.TrimSpace(in.Name), Prefix: shown}
	if err := s.db.CreateToken(r.Context(), t, auth.HashSecret(secret)); err != nil {
		return nil, err
	}
	return apiCreated(apiNewToken{Token: t, Secret: secret}), nil
}

// apiRevokeToken revokes one of the caller's tokens (administrators: anyone's); revoking
// a revoked token again is not an error.
func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return nil, s.db.RevokeToken(r.Context(), id)
}
