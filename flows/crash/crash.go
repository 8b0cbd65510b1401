// Package crash lets the tests kill mspwire at a named point, as a power
// cut would, to prove every step can be interrupted and resumed.
//
// The points exist only in a build with the tag crashpoints (the test
// script sets it); a normal build compiles Point to nothing and reads no
// environment, so no user's mspwire can be made to kill itself.
package crash
