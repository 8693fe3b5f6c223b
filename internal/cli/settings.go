package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) settingsCommand() *cobra.Command {
	return group("settings", "See and change the named settings (review thresholds, crisis contacts)",
		a.settingsList(), a.settingsGet(), a.settingsSet(), a.settingsUnset())
}

// settingView is one setting as listed: its value and where it comes from.
type settingView struct {
	Name    upshot.SettingName `json:"name"`
	Value   string             `json:"value"`
	Set     bool               `json:"set"` // false: the default applies
	Default string             `json:"default"`
	Kind    string             `json:"kind"`
	Min     any                `json:"min,omitempty"`
	Max     any                `json:"max,omitempty"`
	Choices []string           `json:"choices,omitempty"`
	Meaning string             `json:"meaning"`
	Source  string             `json:"source"`
}

func (a *app) settingsList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "list", Short: "List every setting with its value, default, meaning and source", Args: args()}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.reader()
		if err != nil {
			return err
		}
		settings, err := db.Settings(a.ctx, a.owner)
		if err != nil {
			return err
		}
		views := make([]settingView, len(upshot.SettingDefs))
		for i, d := range upshot.SettingDefs {
			_, set := settings[d.Name]
			v := settingView{Name: d.Name, Value: settings.Get(d.Name), Set: set, Default: d.Default, Kind: d.Kind, Meaning: d.Meaning, Source: d.Source, Choices: d.Choices}
			if d.Kind == upshot.KindInt || d.Kind == upshot.KindNumber {
				v.Min, v.Max = d.Min, d.Max
			}
			views[i] = v
		}
		if asJSON {
			return writeJSON(a.stdout, views)
		}
		var b strings.Builder
		for i, v := range views {
			if i > 0 {
				b.WriteString("\n")
			}
			state := "default"
			if v.Set {
				state = "set by you; default " + v.Default
			}
			fmt.Fprintf(&b, "%s = %s  (%s)\n", v.Name, v.Value, state)
			switch v.Kind {
			case upshot.KindInt, upshot.KindNumber:
				fmt.Fprintf(&b, "  allowed: %s %v-%v\n", v.Kind, v.Min, v.Max)
			case upshot.KindChoice:
				fmt.Fprintf(&b, "  allowed: %s\n", strings.Join(v.Choices, ", "))
			case upshot.KindTime:
				fmt.Fprintf(&b, "  allowed: a time of day, HH:MM\n")
			}
			fmt.Fprintf(&b, "  meaning: %s\n  source:  %s\n", v.Meaning, v.Source)
		}
		_, err = fmt.Fprint(a.stdout, b.String())
		return err
	})
	return cmd
}

// settingName refuses an unknown name before the database is opened.
func settingName(name string) (upshot.SettingName, error) {
	if d, ok := upshot.LookupSetting(name); ok {
		return d.Name, nil
	}
	_, err := upshot.CheckSetting(name, "")
	return "", renameField(err, map[string]string{"name": "NAME"})
}

func (a *app) settingsGet() *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Print a setting's value (its default when not set)",
		Args:  args("NAME"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			name, err := settingName(args[0])
			if err != nil {
				return err
			}
			db, err := a.reader()
			if err != nil {
				return err
			}
			settings, err := db.Settings(a.ctx, a.owner)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.stdout, settings.Get(name))
			return err
		}),
	}
}

func (a *app) settingsSet() *cobra.Command {
	return &cobra.Command{
		Use:     "set NAME VALUE",
		Short:   "Change a setting",
		Example: `  upshot settings set crisis_contacts "Samaritans 116 123 (UK and Ireland), or call 999"`,
		Args:    args("NAME", "VALUE"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			name, err := settingName(args[0])
			if err != nil {
				return err
			}
			if _, err := upshot.CheckSetting(args[0], args[1]); err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			return db.SetSetting(a.ctx, a.owner, name, args[1])
		}),
	}
}

func (a *app) settingsUnset() *cobra.Command {
	return &cobra.Command{
		Use:   "unset NAME",
		Short: "Restore a setting's default",
		Args:  args("NAME"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			name, err := settingName(args[0])
			if err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			return db.UnsetSetting(a.ctx, a.owner, name)
		}),
	}
}
