//go:build tools

// Pins the Toxiproxy server module; the lab builds its cmd/server with
// `go build github.com/Shopify/toxiproxy/v2/cmd/server` inside this module.
package tools

import _ "github.com/Shopify/toxiproxy/v2/cmd/server"
