package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/config"
)

func createAdmin(cfg *config.Config, args []string) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	email := fs.String("email", "", "address of the admin (required)")
	first := fs.String("first-name", "Admin", "first name for a new account")
	last := fs.String("last-name", "", "last name for a new account")
	org := fs.String("organization", "Administrators", "name of the admin's organization (b2b)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("create-admin: unexpected argument %q (the password is read from stdin)", fs.Arg(0))
	}
	if strings.TrimSpace(*email) == "" {
		return errors.New("create-admin: --email ADDRESS is required")
	}
	password, err := readPassword(os.Stdin)
	if err != nil {
		return err
	}
	var s seedServices
	return runOnce(cfg, func(ctx context.Context) error {
		exists, err := s.Auth.AccountExists(ctx, *email)
		if err != nil {
			return err
		}
		// A new account needs a password; an existing one keeps its own unless one
		// was given on stdin.
		generated := !exists && password == ""
		if generated {
			password = rand.Text()
		}
		_, created, err := s.Auth.EnsureAccount(ctx, auth.AccountInput{
			Email: strings.TrimSpace(*email), Password: password, FirstName: *first, LastName: *last,
			OrganizationName: *org, SysAdmin: true,
		})
		if err != nil {
			return describe(err)
		}
		verb := "promoted existing user"
		if created {
			verb = "created"
		}
		fmt.Printf("%s sys_admin %s\n", verb, strings.TrimSpace(*email))
		if exists && password != "" {
			fmt.Println("set the password read from stdin and signed them out everywhere")
		}
		if generated {
			fmt.Printf("password: %s\n", password)
		}
		return nil
	}, &s)
}

// readPassword takes the first line of stdin when it is piped; from a terminal it
// returns "" (create-admin then generates one for a new account).
func readPassword(in *os.File) (string, error) {
	if st, err := in.Stat(); err != nil || st.Mode()&os.ModeCharDevice != 0 {
		return "", nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// describe spells out a validation error's fields for a terminal.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Details) == 0 {
		return err
	}
	var parts []string
	for field, msg := range e.Details {
		parts = append(parts, fmt.Sprintf("%s %v", field, msg))
	}
	sort.Strings(parts)
	return fmt.Errorf("create-admin: %s", strings.Join(parts, "; "))
}
