package collectors

import (
	"reflect"
	"testing"
)

func TestTargetNames(t *testing.T) {
	got := TargetNames("/src/shop", []string{".", "apps/web", "libs/web", "libs/api", "shop"})
	want := map[string]string{".": "shop", "apps/web": "apps/web", "libs/web": "libs/web", "libs/api": "api", "shop": "shop"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
