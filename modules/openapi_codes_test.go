package modules_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	_ "github.com/fastsvelte/fastsvelte/modules" // every module's errors registered
	"github.com/fastsvelte/fastsvelte/platform/apperr"
	_ "github.com/fastsvelte/fastsvelte/platform/httpserver"
)

// The error codes are part of the API contract and "the list lives in the OpenAPI
// document": the enum on ErrorResponse.code must be exactly the declared codes.
func TestOpenAPIListsEveryErrorCode(t *testing.T) {
	raw, err := os.ReadFile("../docs/openapi/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Definitions map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	listed := spec.Definitions["ErrorResponse"].Properties["code"].Enum
	slices.Sort(listed)
	declared := apperr.Codes()
	if !slices.Equal(listed, declared) {
		t.Fatalf("ErrorResponse.code enum in the spec differs from the declared codes.\nspec:     %v\ndeclared: %v\nEdit the enums tag in platform/httpserver/errors.go and run go tool task openapi.", listed, declared)
	}
}
