// Package app holds use cases that more than one front end offers: the CLI,
// the web pages and the JSON API call the same functions here, so that a
// rule (how a plan item is added, what a blank line means) lives in one
// place. Storage stays behind the upshot service interfaces.
package app
