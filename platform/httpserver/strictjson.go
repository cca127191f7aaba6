package httpserver

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
)

// checkStrict refuses JSON that encoding/json would accept but read differently from
// other parsers, before it is decoded into dst. A proxy, a WAF or a client library that
// reads {"email":"a","Email":"b"} or a repeated key its own way must not be able to
// smuggle a value past what the handler sees, so we refuse: a key that matches a
// field only case-insensitively (encoding/json would take it), a key repeated in one
// object (encoding/json keeps the last), invalid UTF-8 and lone UTF-16 surrogates
// (both silently become U+FFFD), and any body that is not one JSON object.
func checkStrict(body []byte, dst reflect.Type) error {
	if !utf8.Valid(body) {
		e := *apperr.ErrMalformed
		e.Message = "The request body is not valid UTF-8."
		return &e
	}
	w := walker{dec: json.NewDecoder(bytes.NewReader(body)), body: body, fields: map[string]string{}}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return apperr.ErrMalformed
	}
	if tok != json.Delim('{') {
		return notAnObject()
	}
	if err := w.object(dst, ""); err != nil {
		return err
	}
	if len(w.fields) > 0 {
		return apperr.Validation(w.fields)
	}
	return nil
}

func notAnObject() error {
	e := *apperr.ErrMalformed
	e.Message = "The request body must be a JSON object."
	return &e
}

func tooDeep() error {
	e := *apperr.ErrMalformed
	e.Message = "The request body nests deeper than " + strconv.Itoa(maxDepth) + " levels."
	return &e
}

// walker reads the token stream once, following dst's type to know which keys are
// fields. Syntax errors are left to the decoder that runs afterwards.
type walker struct {
	dec    *json.Decoder
	body   []byte
	fields map[string]string // field path -> problem
	depth  int
}

// maxDepth bounds nesting: no request of ours nests deeper, and the walk recurses, so
// a body of a million '[' must not become a million stack frames.
const maxDepth = 32

// object reads the members of an object whose '{' was just read, expecting type t
// (nil when unknown, e.g. an `any` or a key that is not a field).
func (w *walker) object(t reflect.Type, path string) error {
	if w.depth++; w.depth > maxDepth {
		return tooDeep()
	}
	defer func() { w.depth-- }()
	t = deref(t)
	var names map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		names = jsonFields(t)
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return apperr.ErrMalformed
		}
		key, _ := tok.(string)
		at := join(path, key)
		if seen[key] {
			w.fields[at] = "appears more than once"
		}
		seen[key] = true
		var vt reflect.Type
		switch {
		case names != nil:
			var ok bool
			if vt, ok = names[key]; !ok {
				w.fields[at] = "is not a known field"
			}
		case t != nil && t.Kind() == reflect.Map:
			vt = t.Elem()
		}
		if err := w.value(vt, at); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	if err != nil {
		return apperr.ErrMalformed
	}
	return nil
}

func (w *walker) value(t reflect.Type, path string) error {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return apperr.ErrMalformed
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return w.object(t, path)
		}
		if w.depth++; w.depth > maxDepth {
			return tooDeep()
		}
		defer func() { w.depth-- }()
		t = deref(t)
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for w.dec.More() {
			if err := w.value(elem, path); err != nil {
				return err
			}
		}
		if _, err := w.dec.Token(); err != nil { // ']'
			return apperr.ErrMalformed
		}
	case string:
		if strings.ContainsRune(v, utf8.RuneError) && hasLoneSurrogate(w.body[start:w.dec.InputOffset()]) {
			w.fields[path] = "must be valid text"
		}
	}
	return nil
}

// hasLoneSurrogate reports whether raw JSON text holds a \uD800-\uDFFF escape that is
// not half of a proper pair: encoding/json turns it into U+FFFD without a word.
func hasLoneSurrogate(raw []byte) bool {
	for i := 0; i+6 <= len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // skip the escaped character, which may itself be a backslash
			continue
		}
		r := hex4(raw[i+2 : i+6])
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a low half without a high half before it
		case r >= 0xD800 && r <= 0xDBFF:
			if i+12 > len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return true
			}
			if lo := hex4(raw[i+8 : i+12]); lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

func hex4(b []byte) int {
	n, err := strconv.ParseUint(string(b), 16, 16)
	if err != nil {
		return -1
	}
	return int(n)
}

// jsonFields maps the JSON names of t's fields (embedded structs flattened) to their
// types, as encoding/json names them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" && tag == "-" {
			continue
		}
		if f.Anonymous && name == "" && deref(f.Type).Kind() == reflect.Struct {
			for k, v := range jsonFields(deref(f.Type)) {
				if _, taken := out[k]; !taken {
					out[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
