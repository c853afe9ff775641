package app

import (
	"testing"

	"github.com/preflight-dev/preflight/model"
)

func TestSettledWithNewsPrintsOncePerCompletedRerun(t *testing.T) {
	printed := map[string]int64{}
	running := model.Snapshot{Collectors: []model.CollectorState{{Running: true}}}
	if settledWithNews(running, printed) {
		t.Error("must not print while a collector runs")
	}
	done := model.Snapshot{Collectors: []model.CollectorState{{Result: model.Result{Collector: "a", FinishedAt: model.Snapshot{}.GeneratedAt.Add(1)}}}}
	if !settledWithNews(done, printed) {
		t.Error("a completed run must be printed")
	}
	if settledWithNews(done, printed) {
		t.Error("the same completion must not be printed twice")
	}
}
