package workflows

import (
	"reflect"
	"strings"
	"testing"
)

func TestUntrustedInputs(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{"${{ github.event.issue.title }}", []string{"github.event.issue.title"}},
		{"${{ github.event.pull_request.head.ref }}", []string{"github.event.pull_request.head.ref"}},
		{"${{ github.head_ref }}", []string{"github.head_ref"}},
		{"${{ github.event.commits[0].message }}", []string{"github.event.commits.*.message"}},
		{"${{ github.event.commits.*.author.email }}", []string{"github.event.commits.*.author.email"}},
		{"${{ github.event['comment']['body'] }}", []string{"github.event.comment.body"}},
		{"${{ GitHub.Event.Issue.Body }}", []string{"github.event.issue.body"}},
		{"${{ toJSON(github.event) }}", []string{"github.event"}},
		{"${{ toJSON(github.event.pull_request.head) }}", []string{"github.event.pull_request.head"}},
		{"${{ github.event.review.body || github.event.review_comment.body }}", []string{"github.event.review.body", "github.event.review_comment.body"}},
		{"${{ format('{0}', github.event.discussion.title) }}", []string{"github.event.discussion.title"}},
		// trusted: numbers, SHAs, the repository's own names, other contexts
		{"${{ github.event.pull_request.number }}", nil},
		{"${{ github.event.pull_request.head.sha }}", nil},
		{"${{ github.sha }}", nil},
		{"${{ github.repository }}", nil},
		{"${{ github.ref_name }}", nil},
		{"${{ github }}", nil},
		{"${{ inputs.title }}", nil},
		{"${{ env.github_token }}", nil},
		{"${{ steps.meta.outputs.github }}", nil},
		{"${{ secrets.GITHUB_TOKEN }}", nil},
	}
	for _, c := range cases {
		if got := UntrustedInputs(c.expr); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.expr, got, c.want)
		}
	}
}

func TestExpressions(t *testing.T) {
	s := "echo ${{ a }} and ${{b}} then ${{ unterminated"
	got := Expressions(s)
	want := []Expression{{"${{ a }}", 5}, {"${{b}}", 18}, {"${{ unterminated", 30}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for _, e := range got {
		if !strings.HasPrefix(s[e.Offset:], e.Text) {
			t.Errorf("offset %d does not point at %q", e.Offset, e.Text)
		}
	}
}

func TestExpressionValues(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{"${{ inputs.race && 'make test-race' || 'make test' }}", []string{"make test-race", "make test"}},
		{"${{ github.event_name == 'push' && 'release --clean' || 'release --snapshot' }}", []string{"release --clean", "release --snapshot"}},
		{"${{ 'push' != github.event_name && 'a' || 'it''s' }}", []string{"a", "it's"}},
		{"${{ contains(github.ref, 'main') && format('{0} test', 'go') || '' }}", []string{"{0} test", ""}},
		{"${{ matrix.os }}", nil},
	}
	for _, c := range cases {
		if got := (Expression{Text: c.expr}).Values(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.expr, got, c.want)
		}
	}
}

func TestNamesPRHead(t *testing.T) {
	yes := []string{"${{ github.event.pull_request.head.sha }}", "${{github.event.pull_request.head.ref}}", "${{ github.head_ref }}",
		"refs/pull/${{ github.event.pull_request.number }}/merge", "${{ github.event.pull_request.head.repo.full_name }}",
		"${{ github.event.pull_request.merge_commit_sha }}"}
	no := []string{"main", "${{ github.sha }}", "${{ github.event.pull_request.base.sha }}", "${{ github.event.pull_request.number }}", ""}
	for _, s := range yes {
		if !namesPRHead(s) {
			t.Errorf("%q names the pull request head", s)
		}
	}
	for _, s := range no {
		if namesPRHead(s) {
			t.Errorf("%q does not name the pull request head", s)
		}
	}
}

func TestPRCheckoutCommand(t *testing.T) {
	yes := []string{"gh pr checkout 12", "git fetch origin pull/12/head:pr", "git fetch origin refs/pull/12/merge",
		"git checkout ${{ github.event.pull_request.head.sha }}", "git switch ${{ github.head_ref }}"}
	no := []string{"git checkout main", "gh pr edit 12 --add-label x", "git fetch --depth 1", "echo ${{ github.head_ref }}"}
	for _, s := range yes {
		if !prCheckoutCommandRE.MatchString(s) {
			t.Errorf("%q checks out the pull request", s)
		}
	}
	for _, s := range no {
		if prCheckoutCommandRE.MatchString(s) {
			t.Errorf("%q does not check out the pull request", s)
		}
	}
}

func FuzzUntrustedInputs(f *testing.F) {
	f.Add("${{ github.event.issue.title }}")
	f.Add("${{ toJSON(github.event['commits'][0]) }}")
	f.Add("${{ github.event.pages[*].page_name }} ${{ github.head_ref")
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range Expressions(s) {
			if e.Offset < 0 || e.Offset+len(e.Text) > len(s) || s[e.Offset:e.Offset+len(e.Text)] != e.Text || !strings.HasPrefix(e.Text, "${{") {
				t.Fatalf("bad expression %+v in %q", e, s)
			}
		}
		for _, in := range UntrustedInputs(s) {
			segs := strings.Split(in, ".")
			if len(segs) < 2 || segs[0] != "github" || !untrusted(segs) {
				t.Fatalf("reported %q, which is not an untrusted path", in)
			}
		}
	})
}
