package httpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
)

// Bind decodes a JSON body strictly into dst and validates it. Every failure is an
// *apperr.Error: 415 for a body that is not JSON in UTF-8, 413 over the size limit, 400
// for broken JSON or a body that is not an object, 422 for unknown, mis-cased or repeated
// keys, wrong types, NUL bytes, lone surrogates and failed `validate` tags.
func Bind(c *gin.Context, dst any) error {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		return apperr.ErrUnsupported
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		e := *apperr.ErrUnsupported
		e.Message = "Send the request body as application/json in UTF-8 (charset " + strconv.Quote(cs) + " is not supported)."
		return &e
	}
	// The body is bounded by the size limit, so reading it whole is cheap, and it lets
	// checkStrict see the raw text before encoding/json smooths it over.
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return TooLarge(maxErr.Limit)
		}
		return apperr.ErrMalformed.WithCause(err)
	}
	if err := checkStrict(body, reflect.TypeOf(dst)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.ErrMalformed
	}
	if n, ok := dst.(Normalizer); ok {
		n.Normalize()
	}
	return Validate(dst)
}

// Normalizer is implemented by request types that tidy their input (trim spaces)
// before validation, so " a@b.com " is accepted as a@b.com rather than rejected.
type Normalizer interface {
	Normalize()
}

func decodeError(err error) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apperr.ErrMalformed.WithCause(err) // the body itself has the wrong shape
		}
		return apperr.Validation(map[string]string{field: "must be a " + jsonType(typeErr.Type)})
	case errors.As(err, &syntaxErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.ErrMalformed
	}
	// encoding/json reports unknown fields only as text: `json: unknown field "x"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return apperr.Validation(map[string]string{strings.Trim(name, `"`): "is not a known field"})
	}
	return apperr.ErrMalformed.WithCause(err)
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "list"
	default:
		return "object"
	}
}

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	// notblank: text that shows nothing (white space, zero-width and other invisible
	// characters) is as good as missing.
	_ = v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return !Blank(fl.Field().String())
	})
	_ = v.RegisterValidation("visible", func(fl validator.FieldLevel) bool {
		return !strings.ContainsFunc(fl.Field().String(), func(r rune) bool {
			return !unicode.IsGraphic(r) || unicode.IsSpace(r)
		})
	})
	_ = v.RegisterValidation("singleline", func(fl validator.FieldLevel) bool {
		return !strings.ContainsFunc(fl.Field().String(), breaksDisplay)
	})
	return v
}

// Blank reports whether text shows nothing: only white space, zero-width and other
// invisible characters. Required text must not be blank (validate:"notblank");
// optional text that is blank is stored as empty (see the DTOs' Normalize).
func Blank(s string) bool { return !strings.ContainsFunc(s, shows) }

// shows is true for a character that puts something on the screen: a letter, digit,
// punctuation or symbol, except those that render as blanks (the Hangul fillers,
// the braille blank, the musical null notehead).
func shows(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800', '\U0001D159':
		return false
	}
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S)
}

// breaksDisplay is true for characters that make a name show as something else: control
// characters (line breaks, tabs, escapes) and the bidi embedding, override and isolate
// controls that reorder the text around them. Joiners and marks stay: scripts need them.
func breaksDisplay(r rune) bool {
	return unicode.Is(unicode.Cc, r) || r == '\u2028' || r == '\u2029' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// Validate checks `validate` tags and rejects NUL bytes in any string, returning a
// 422 whose details map each JSON field to a sentence.
func Validate(dst any) error {
	fields := map[string]string{}
	findNUL(reflect.ValueOf(dst), "", fields)
	var verrs validator.ValidationErrors
	if err := validate.Struct(dst); errors.As(err, &verrs) {
		for _, fe := range verrs {
			name := fieldPath(fe)
			if _, seen := fields[name]; !seen {
				fields[name] = message(fe)
			}
		}
	} else if err != nil {
		return apperr.ErrInternal.WithCause(err)
	}
	if len(fields) > 0 {
		return apperr.Validation(fields)
	}
	return nil
}

// fieldPath drops the struct name validator puts first ("SignupRequest.email").
func fieldPath(fe validator.FieldError) string {
	_, path, ok := strings.Cut(fe.Namespace(), ".")
	if !ok {
		return fe.Field()
	}
	return path
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "notblank":
		if fe.Value() != "" && fe.Value() != nil {
			return "must not be only white space or invisible characters"
		}
		return "is required"
	case "visible":
		return "must not contain spaces or invisible characters"
	case "singleline":
		return "must not contain control characters or line breaks"
	case "email":
		return "must be a valid email address"
	case "min":
		return "must be at least " + fe.Param() + " characters"
	case "max":
		return "must be at most " + fe.Param() + " characters"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "uuid":
		return "must be a UUID"
	default:
		return "is invalid"
	}
}

// findNUL walks strings in dst: PostgreSQL text cannot hold NUL, so letting one
// through would surface as a 500 from the database instead of a 422.
func findNUL(v reflect.Value, path string, out map[string]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			findNUL(v.Elem(), path, out)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			out[path] = "must not contain NUL characters"
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			if path != "" {
				name = path + "." + name
			}
			findNUL(v.Field(i), name, out)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			findNUL(v.Index(i), path, out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			findNUL(v.MapIndex(k), path, out)
		}
	}
}
