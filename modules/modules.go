// Package modules bundles every feature module. Adding a module means adding it
// here (and a migration); nothing else in the composition changes.
package modules

import (
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/modules/orgs"
)

// All is the one bundle of feature modules the binary and the tests compose.
var All = fx.Options(
	auth.Module,
	orgs.Module,
)
