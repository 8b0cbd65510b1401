// Package who names the person at the keyboard for the audit log and for
// the decisions they make: the OS user running mspwire.
package who

import (
	"os"
	"os/user"
)

// Operator is "operator:<OS user>", or "operator" when the user is unknown.
func Operator() string {
	if u := os.Getenv("USER"); u != "" {
		return "operator:" + u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "operator:" + u.Username
	}
	return "operator"
}
