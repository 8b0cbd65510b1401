package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/ui/display"
	"github.com/mspwire/mspwire/ui/prompt"
)

// accessibleReviewHelp lists the review's commands; N is a row's number
// as the list shows it.
const accessibleReviewHelp = `Commands (N is a row's number in the list above):
  accept N…      take the suggested match
  reject N…      the suggestion is wrong; the row stays to decide
  remap N ID     match the row to the other system's record ID instead
  new N…         create the record in the other system
  ignore N…      leave the row out of every plan
  accept strong  accept every exact and strong suggestion nobody has decided
  undo           take back the last decision
  more           the next rows;  all  every row, decided too;  pair  the next system pair
  help or ?      this list;  an empty line ends the review (decisions are saved as made)`

// accessibleReview is the review screen as a numbered list: rows are
// numbered by their place in the list, and the commands are those of
// mspwire match, taking those numbers.
func accessibleReview(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend) error {
	fmt.Fprintln(out, "Matching the inventories; decisions already made are kept.")
	m, err := b.Review(ctx, true)
	if err != nil {
		return err
	}
	m.SetFilter(review.Filter{State: "todo"})
	from, list := 0, true
	for {
		if list {
			fmt.Fprintf(out, "Review %s: %s.\n", m.Pair().Title(), m.Counts())
			page := min(from+15, m.Len())
			for i := from; i < page; i++ {
				d := m.At(i)
				right := "nothing suggested"
				if d.Right.ID != "" {
					right = fmt.Sprintf("%s (%s %s)", display.Safe(d.Right.Name), adapter.InfoOf(d.Right.System).Name, display.Safe(d.Right.ID))
				}
				fmt.Fprintf(out, "%d. %s: %s, score %.2f, %s, %s. %s.\n", i+1, display.Safe(d.Left.Name), right, d.Score, d.Band, d.Label(), display.Safe(d.Reason))
			}
			if page < m.Len() {
				fmt.Fprintf(out, "%d more rows: type more.\n", m.Len()-page)
			}
			from = page
		}
		list = true
		cmd, err := p.Input("Command", "accept N…, reject N…, remap N ID, new N…, ignore N…, accept strong, undo, more, all, pair, help; "+
			"an empty line ends the review (decisions are saved as made)", "", nil)
		if err != nil {
			return cancelled(err)
		}
		words := strings.Fields(strings.ToLower(cmd))
		if len(words) == 0 {
			return nil
		}
		ids, bad := rowsAt(m, words[0], words[1:])
		if bad != "" {
			fmt.Fprintln(out, bad)
			list = false
			continue
		}
		switch words[0] {
		case "done", "quit":
			return nil
		case "help", "?":
			fmt.Fprintln(out, accessibleReviewHelp)
			list = false
			continue
		case "more":
			from %= max(1, m.Len())
			continue
		case "all":
			m.SetFilter(review.Filter{})
		case "pair":
			m.NextPair()
		case "undo":
			n, err := m.Undo(ctx)
			report(out, err, fmt.Sprintf("Undid %d row(s).", n))
		case "accept":
			if len(words) > 1 && words[1] == "strong" {
				n, err := m.AcceptSafe(ctx)
				report(out, err, fmt.Sprintf("Accepted %d exact and strong suggestions.", n))
				break
			}
			report(out, m.Accept(ctx, ids...), fmt.Sprintf("Accepted %d.", len(ids)))
		case "reject":
			report(out, m.Reject(ctx, ids...), fmt.Sprintf("Rejected %d.", len(ids)))
		case "new":
			report(out, m.Create(ctx, ids...), fmt.Sprintf("%d to create.", len(ids)))
		case "ignore":
			report(out, m.Ignore(ctx, ids...), fmt.Sprintf("Ignored %d.", len(ids)))
		case "remap":
			if len(words) != 3 || len(ids) == 0 {
				fmt.Fprintln(out, "Write remap, the row's number, then the other system's record id.")
				list = false
				continue
			}
			report(out, m.Remap(ctx, ids[0], strings.Fields(cmd)[2]), "Re-mapped.")
		default:
			fmt.Fprintf(out, "Unknown command %q: type help for the commands.\n", words[0])
			list = false
			continue
		}
		from = 0
	}
}

// rowsAt turns the numbers a command was given into the rows' ids, each
// once; a number not in the list is refused before anything is done.
func rowsAt(m *review.Model, command string, args []string) ([]int64, string) {
	switch command {
	case "accept", "reject", "new", "ignore", "remap":
	default:
		return nil, ""
	}
	if command == "remap" && len(args) > 0 {
		args = args[:1] // the second is the other system's id
	}
	var ids []int64
	seen := map[int]bool{}
	for _, w := range args {
		if command == "accept" && w == "strong" {
			return nil, ""
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > m.Len() {
			return nil, fmt.Sprintf("Not done: %q is not a row number of the list (1 to %d).", w, m.Len())
		}
		if !seen[n] {
			seen[n] = true
			ids = append(ids, m.At(n-1).ID)
		}
	}
	return ids, ""
}

func report(out io.Writer, err error, ok string) {
	if err != nil {
		fmt.Fprintf(out, "Not done: %v\n", err)
		return
	}
	fmt.Fprintln(out, ok)
}
