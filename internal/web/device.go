package web

import "strings"

// deviceOf describes a browser from its User-Agent in a few words ("Firefox
// on Android"), enough for a person to tell their devices apart in the
// "signed in on" list. The full header is not kept: it fingerprints.
func deviceOf(ua string) string {
	browser := "A browser"
	for _, b := range []struct{ token, name string }{
		// Order matters: Edge and Opera say Chrome too, Chrome says Safari.
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"curl/", "curl"}, {"Wget/", "Wget"}, {"Go-http-client/", "A Go program"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, s := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	if system == "" {
		return browser
	}
	return browser + " on " + system
}
