package review_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
)

// The OpenAPI document lists exactly the codes a finding can have, so that
// a script reading review JSON knows every one.
func TestOpenAPIListsEveryCode(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../web/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []review.Code `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Components.Schemas["Finding"].Properties["code"].Enum
	if !slices.Equal(got, review.Codes) {
		t.Errorf("openapi Finding.code enum %v, want review.Codes %v", got, review.Codes)
	}
	for _, c := range review.Codes {
		if review.SeverityOf[c] == "" {
			t.Errorf("code %s has no severity", c)
		}
	}
}
