package config

import _ "embed"

// Schema is the JSON Schema of preflight.yaml (draft-07), published at
// SchemaURL for editors; tests hold it to what Parse accepts.
//
//go:embed preflight.schema.json
var Schema []byte
