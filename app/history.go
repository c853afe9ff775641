package app

import (
	"github.com/preflight-dev/preflight/history"
	"github.com/preflight-dev/preflight/model"
)

// History is root's last n history points, and how to add one; both nil
// when there is nowhere to keep history.
func History(root string, n int) (points []model.HistoryPoint, record func(model.HistoryPoint)) {
	store, err := history.Default()
	if err != nil {
		return nil, nil
	}
	points, _ = store.Load(root, n)
	return points, func(p model.HistoryPoint) { _ = store.Append(root, p) }
}
