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
	"strings"

	"github.com/fastsvelte/fastsvelte/modules/auth"
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
	if strings.TrimSpace(*email) == "" || !strings.Contains(*email, "@") {
		return errors.New("create-admin: --email ADDRESS is required")
	}
	password, generated, err := readOrGeneratePassword(os.Stdin)
	if err != nil {
		return err
	}
	var s seedServices
	return runOnce(cfg, func(ctx context.Context) error {
		_, created, err := s.Auth.EnsureAccount(ctx, auth.AccountInput{
			Email: strings.TrimSpace(*email), Password: password, FirstName: *first, LastName: *last,
			OrganizationName: *org, SysAdmin: true,
		})
		if err != nil {
			return err
		}
		verb := "promoted existing user"
		if created {
			verb = "created"
		}
		fmt.Printf("%s sys_admin %s\n", verb, strings.TrimSpace(*email))
		if generated {
			fmt.Printf("password: %s\n", password)
		}
		return nil
	}, &s)
}

// readOrGeneratePassword takes the first line of stdin when it is piped; from a
// terminal (or an empty pipe) it generates a strong password to print once.
func readOrGeneratePassword(in *os.File) (string, bool, error) {
	if st, err := in.Stat(); err == nil && st.Mode()&os.ModeCharDevice == 0 {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, err
		}
		if pw := strings.TrimRight(line, "\r\n"); pw != "" {
			return pw, false, nil
		}
	}
	return rand.Text(), true, nil
}
