package adapter

import (
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
)

// An asset's users are read back from HaloPSA's answer: the same set in
// another order is done; a set HaloPSA did not keep fails with both.
func TestAssetUsersAreReadBackFromTheAnswer(t *testing.T) {
	sent := halopsa.AssetUsers{AssetID: 7, UserIDs: []int{5, 6}}
	if o := keptUsers(sent, halopsa.Asset{ID: 7, Users: []halopsa.UserRef{{ID: 6}, {ID: 5}}}); o.Err != nil || o.ExternalID != "7" {
		t.Fatalf("the same users in another order: %+v", o)
	}
	o := keptUsers(sent, halopsa.Asset{ID: 7, Users: []halopsa.UserRef{{ID: 5}, {ID: 9}}})
	var kept *Inconsistent
	if !errors.As(o.Err, &kept) || !strings.Contains(o.Err.Error(), "asset 7's users holds [5,9], not [5,6]") {
		t.Fatalf("users HaloPSA did not keep: %v", o.Err)
	}
	if o := keptUsers(sent, halopsa.Asset{}); o.Err == nil {
		t.Fatal("an asset missing from the answer counted as done")
	}
}
