function __ces-audit_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __ces-audit_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __ces-audit_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __ces-audit_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __ces-audit_parse_tokens -S
    set -l unparsed_tokens (__ces-audit_tokens -pc)
    switch $unparsed_tokens[1]
    case 'ces-audit'
        __ces-audit_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'user'
            __ces-audit_parse_subcommand 1 'endpoint=' 'template=' 'service-account=' 'all' 'probe-keytab=' 'probe-principal=' 'uri=+' 'domain=' 'starttls' 'ca-file=' 'tls-insecure' 'bind-dn=' 'password-file=' 'keytab=' 'principal=' 'base=' 'timeout=' 'page-size=' 'config=' 'format=' 'output=' 'evidence=' 'policies=' 'site-policy=' 'snapshot=' 'collect' 'resolve=+' 'collect-keytab=' 'collect-principal=' 'collect-timeout=' 'seal' 'allow-ntlm' 'strict-manual' 'version' 'h/help'
        case 'server'
            __ces-audit_parse_subcommand 1 'service-account=' 'ca=' 'auth=+' 'renewal-only' 'key-based-renewal' 'probe-user=' 'probe-keytab=' 'probe-principal=' 'probe-endpoints' 'probe-timeout=' 'probe-resolve=+' 'uri=+' 'domain=' 'starttls' 'ca-file=' 'tls-insecure' 'bind-dn=' 'password-file=' 'keytab=' 'principal=' 'base=' 'timeout=' 'page-size=' 'config=' 'format=' 'output=' 'evidence=' 'policies=' 'site-policy=' 'snapshot=' 'collect' 'resolve=+' 'collect-keytab=' 'collect-principal=' 'collect-timeout=' 'seal' 'allow-ntlm' 'strict-manual' 'version' 'h/help'
        case 'scan'
            __ces-audit_parse_subcommand 0 'all' 'include-passed' 'exact-groups' 'history=' 'keep-runs=' 'probe-endpoints' 'probe-timeout=' 'probe-resolve=+' 'uri=+' 'domain=' 'starttls' 'ca-file=' 'tls-insecure' 'bind-dn=' 'password-file=' 'keytab=' 'principal=' 'base=' 'timeout=' 'page-size=' 'config=' 'format=' 'output=' 'evidence=' 'policies=' 'site-policy=' 'snapshot=' 'collect' 'resolve=+' 'collect-keytab=' 'collect-principal=' 'collect-timeout=' 'seal' 'allow-ntlm' 'strict-manual' 'version' 'h/help'
        case 'snapshot'
            __ces-audit_parse_subcommand 0 'output=' 'account=+' 'all-accounts' 'evidence=' 'uri=+' 'domain=' 'starttls' 'ca-file=' 'tls-insecure' 'bind-dn=' 'password-file=' 'keytab=' 'principal=' 'base=' 'timeout=' 'page-size=' 'config=' 'version' 'h/help'
        case 'collect'
            __ces-audit_parse_subcommand -r 1 'output=' 'resolve=+' 'collect-keytab=' 'collect-principal=' 'collect-timeout=' 'seal' 'allow-ntlm' 'uri=+' 'domain=' 'starttls' 'ca-file=' 'tls-insecure' 'bind-dn=' 'password-file=' 'keytab=' 'principal=' 'base=' 'timeout=' 'page-size=' 'config=' 'version' 'h/help'
        case 'history'
            __ces-audit_parse_subcommand 1 'limit=' 'format=' 'version' 'h/help'
        case 'rules'
            __ces-audit_parse_subcommand 0 'format=' 'policies=' 'version' 'h/help'
        case 'explain'
            __ces-audit_parse_subcommand -r 1 'kerberos' 'win32' 'format=' 'version' 'h/help'
        case 'doctor'
            __ces-audit_parse_subcommand 0 'uri=+' 'domain=' 'starttls' 'ca-file=' 'tls-insecure' 'bind-dn=' 'password-file=' 'keytab=' 'principal=' 'base=' 'timeout=' 'page-size=' 'config=' 'format=' 'version' 'h/help'
        case 'probe-endpoint'
            __ces-audit_parse_subcommand -r 1 'auth=' 'ca-file=' 'keytab=' 'principal=' 'no-kerberos' 'resolve=+' 'timeout=' 'format=' 'version' 'h/help'
        case 'help'
            __ces-audit_parse_subcommand -r 1 'version'
        end
    end
end

function __ces-audit_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __ces-audit_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __ces-audit_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __ces-audit_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__ces-audit_tokens -p)
    if test -z "$(__ces-audit_tokens -t)"
        set -l index (count (__ces-audit_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'ces-audit' -f
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'user' -d 'Check one account\'s enrollment paths through CES before it enrolls.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'server' -d 'Check a (new) CES server: its principal\'s delegation, rights and CA.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'scan' -d 'Audit every published CES endpoint, principal, CA, template and enrolling account.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'snapshot' -d 'Save what the jobs read from AD (and --evidence) to a file for offline evaluation.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'collect' -d 'Read the CA and CES hosts\' evidence remotely (SMB/DCE-RPC, Kerberos) into an --evidence folder.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'history' -d 'List the runs kept by \'scan --history PATH\'.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'rules' -d 'List the rule catalogue (ID, severity, title).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'explain' -d 'Explain an error code: symbol, message, where it shows up, likely causes, rules to check.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'doctor' -d 'Check the connection to Active Directory: URI, TLS, bound identity, naming contexts.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'probe-endpoint' -d 'Probe CES endpoint URLs live: DNS, TCP, TLS and certificate, authentication offered, Kerberos leg.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_positional "ces-audit" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" endpoint' -l 'endpoint' -d 'Check only this published CES endpoint URL.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" template' -l 'template' -d 'Check only this certificate template (cn).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" service-account' -l 'service-account' -d 'The CES application pool account (default: the HTTP/ SPN holder, else the host\'s computer account).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" all' -l 'all' -d 'Text: after the verdicts, list every rule (passes included), grouped by subject.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" probe-keytab' -l 'probe-keytab' -d 'Live S4U probe (CES-K1): keytab with the CES principal\'s key (only read; tickets stay in memory).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" probe-principal' -l 'probe-principal' -d 'The CES principal in --probe-keytab (default: the endpoint\'s CES principal as NAME@REALM).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user"' -l 'uri' -d 'ldap://host[:port] or ldaps://host[:port]; repeat for failover.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" domain' -l 'domain' -d 'The AD DNS domain (for DC discovery through _ldap._tcp SRV records).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" starttls' -l 'starttls' -d 'Upgrade ldap:// with StartTLS.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" ca-file' -l 'ca-file' -d 'PEM trust anchors for TLS (verification is on by default).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" tls-insecure' -l 'tls-insecure' -d 'Skip TLS certificate verification (insecure; warns on every run).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" bind-dn' -l 'bind-dn' -d 'Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" password-file' -l 'password-file' -d 'File holding the simple-bind password.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" keytab' -l 'keytab' -d 'Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" base' -l 'base' -d 'Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" timeout' -l 'timeout' -d 'Network and per-operation timeout in seconds (default 30).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" page-size' -l 'page-size' -d 'Page size for paged searches (default 1000).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" config' -l 'config' -d 'YAML file with the same settings (flags win).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" format' -l 'format' -d 'Output format: text, json, sarif, junit, nagios, prometheus or html (default text).' -rfka 'text json sarif junit nagios prometheus html'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" output' -l 'output' -d 'Write the report to this file (atomically) instead of stdout; - is stdout.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" evidence' -l 'evidence' -d 'Folder of host evidence: <host>/ca-security.*, secedit.inf, *.reg, … (layout: docs/contract.md).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" policies' -l 'policies' -d 'Directory holding a catalogue.yaml that replaces the embedded one.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" site-policy' -l 'site-policy' -d 'Site policy file: waivers, severity overrides, disabled rules.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" snapshot' -l 'snapshot' -d 'Evaluate a snapshot saved by \'ces-audit snapshot\' instead of reading AD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" collect' -l 'collect' -d 'Read the CA and CES hosts\' evidence remotely first (as \'ces-audit collect\'; config: collect: true).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user"' -l 'resolve' -d 'HOST=ADDRESS: connect to ADDRESS for HOST, keeping HOST for Kerberos (as curl --resolve).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" collect-keytab' -l 'collect-keytab' -d 'Keytab for reading the hosts (with --collect-principal; default: the bind\'s keytab or ccache).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" collect-principal' -l 'collect-principal' -d 'The principal to take from --collect-keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" collect-timeout' -l 'collect-timeout' -d 'Time limit per host in seconds (default 120): a host still busy then is killed and unknown.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" seal' -l 'seal' -d 'Encrypt the SMB session (SMB3), not only sign it.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" allow-ntlm' -l 'allow-ntlm' -d 'Let the host collection fall back to NTLM (never by default).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" strict-manual' -l 'strict-manual' -d 'Count manual checks (e.g. RPC reachability, CES-G1) as unknown in the exit status.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit user" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" service-account' -l 'service-account' -d 'The CES application pool account (default: the HTTP/ SPN holder, else the host\'s computer account).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" ca' -l 'ca' -d 'The CA\'s common name (default: the only enterprise CA).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server"' -l 'auth' -d 'A CES instance to check: kerberos, username or certificate (repeatable).' -rfka 'kerberos username certificate'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" renewal-only' -l 'renewal-only' -d 'The instances are renewal-only.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" key-based-renewal' -l 'key-based-renewal' -d 'The instances allow key-based renewal (implies --renewal-only).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" probe-user' -l 'probe-user' -d 'Live S4U probe (CES-K1): the account the CES principal acts for (with --probe-keytab).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" probe-keytab' -l 'probe-keytab' -d 'Live S4U probe (CES-K1): keytab with the CES principal\'s key (only read; tickets stay in memory).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" probe-principal' -l 'probe-principal' -d 'The CES principal in --probe-keytab (default: the endpoint\'s CES principal as NAME@REALM).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" probe-endpoints' -l 'probe-endpoints' -d 'Probe each endpoint URL live (CES-K2): DNS, TCP, TLS and certificate, authentication offered, Kerberos leg.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" probe-timeout' -l 'probe-timeout' -d 'Time limit per endpoint probe in seconds (default 15).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server"' -l 'probe-resolve' -d 'HOST:ADDRESS — probe ADDRESS for HOST instead of asking DNS (one node of a farm); repeatable.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server"' -l 'uri' -d 'ldap://host[:port] or ldaps://host[:port]; repeat for failover.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" domain' -l 'domain' -d 'The AD DNS domain (for DC discovery through _ldap._tcp SRV records).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" starttls' -l 'starttls' -d 'Upgrade ldap:// with StartTLS.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" ca-file' -l 'ca-file' -d 'PEM trust anchors for TLS (verification is on by default).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" tls-insecure' -l 'tls-insecure' -d 'Skip TLS certificate verification (insecure; warns on every run).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" bind-dn' -l 'bind-dn' -d 'Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" password-file' -l 'password-file' -d 'File holding the simple-bind password.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" keytab' -l 'keytab' -d 'Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" base' -l 'base' -d 'Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" timeout' -l 'timeout' -d 'Network and per-operation timeout in seconds (default 30).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" page-size' -l 'page-size' -d 'Page size for paged searches (default 1000).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" config' -l 'config' -d 'YAML file with the same settings (flags win).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" format' -l 'format' -d 'Output format: text, json, sarif, junit, nagios, prometheus or html (default text).' -rfka 'text json sarif junit nagios prometheus html'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" output' -l 'output' -d 'Write the report to this file (atomically) instead of stdout; - is stdout.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" evidence' -l 'evidence' -d 'Folder of host evidence: <host>/ca-security.*, secedit.inf, *.reg, … (layout: docs/contract.md).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" policies' -l 'policies' -d 'Directory holding a catalogue.yaml that replaces the embedded one.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" site-policy' -l 'site-policy' -d 'Site policy file: waivers, severity overrides, disabled rules.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" snapshot' -l 'snapshot' -d 'Evaluate a snapshot saved by \'ces-audit snapshot\' instead of reading AD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" collect' -l 'collect' -d 'Read the CA and CES hosts\' evidence remotely first (as \'ces-audit collect\'; config: collect: true).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server"' -l 'resolve' -d 'HOST=ADDRESS: connect to ADDRESS for HOST, keeping HOST for Kerberos (as curl --resolve).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" collect-keytab' -l 'collect-keytab' -d 'Keytab for reading the hosts (with --collect-principal; default: the bind\'s keytab or ccache).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" collect-principal' -l 'collect-principal' -d 'The principal to take from --collect-keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" collect-timeout' -l 'collect-timeout' -d 'Time limit per host in seconds (default 120): a host still busy then is killed and unknown.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" seal' -l 'seal' -d 'Encrypt the SMB session (SMB3), not only sign it.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" allow-ntlm' -l 'allow-ntlm' -d 'Let the host collection fall back to NTLM (never by default).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" strict-manual' -l 'strict-manual' -d 'Count manual checks (e.g. RPC reachability, CES-G1) as unknown in the exit status.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit server" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" all' -l 'all' -d 'Text: list every finding, grouped by subject, instead of the fix list (the findings grouped by what one fix changes; --include-passed implies --all). JSON, SARIF and JUnit always list every finding with its group.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" include-passed' -l 'include-passed' -d 'List passed and not-applicable findings too (they are always counted).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" exact-groups' -l 'exact-groups' -d 'Read each account\'s tokenGroups from the DC (one search per account) instead of working groups out from memberOf; for forests with several domains or SID history.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" history' -l 'history' -d 'SQLite file keeping each run; the report then says what is new and what was resolved.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" keep-runs' -l 'keep-runs' -d 'With --history: keep only the newest N runs (per job and target).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" probe-endpoints' -l 'probe-endpoints' -d 'Probe each endpoint URL live (CES-K2): DNS, TCP, TLS and certificate, authentication offered, Kerberos leg.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" probe-timeout' -l 'probe-timeout' -d 'Time limit per endpoint probe in seconds (default 15).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan"' -l 'probe-resolve' -d 'HOST:ADDRESS — probe ADDRESS for HOST instead of asking DNS (one node of a farm); repeatable.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan"' -l 'uri' -d 'ldap://host[:port] or ldaps://host[:port]; repeat for failover.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" domain' -l 'domain' -d 'The AD DNS domain (for DC discovery through _ldap._tcp SRV records).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" starttls' -l 'starttls' -d 'Upgrade ldap:// with StartTLS.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" ca-file' -l 'ca-file' -d 'PEM trust anchors for TLS (verification is on by default).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" tls-insecure' -l 'tls-insecure' -d 'Skip TLS certificate verification (insecure; warns on every run).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" bind-dn' -l 'bind-dn' -d 'Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" password-file' -l 'password-file' -d 'File holding the simple-bind password.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" keytab' -l 'keytab' -d 'Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" base' -l 'base' -d 'Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" timeout' -l 'timeout' -d 'Network and per-operation timeout in seconds (default 30).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" page-size' -l 'page-size' -d 'Page size for paged searches (default 1000).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" config' -l 'config' -d 'YAML file with the same settings (flags win).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" format' -l 'format' -d 'Output format: text, json, sarif, junit, nagios, prometheus or html (default text).' -rfka 'text json sarif junit nagios prometheus html'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" output' -l 'output' -d 'Write the report to this file (atomically) instead of stdout; - is stdout.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" evidence' -l 'evidence' -d 'Folder of host evidence: <host>/ca-security.*, secedit.inf, *.reg, … (layout: docs/contract.md).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" policies' -l 'policies' -d 'Directory holding a catalogue.yaml that replaces the embedded one.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" site-policy' -l 'site-policy' -d 'Site policy file: waivers, severity overrides, disabled rules.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" snapshot' -l 'snapshot' -d 'Evaluate a snapshot saved by \'ces-audit snapshot\' instead of reading AD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" collect' -l 'collect' -d 'Read the CA and CES hosts\' evidence remotely first (as \'ces-audit collect\'; config: collect: true).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan"' -l 'resolve' -d 'HOST=ADDRESS: connect to ADDRESS for HOST, keeping HOST for Kerberos (as curl --resolve).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" collect-keytab' -l 'collect-keytab' -d 'Keytab for reading the hosts (with --collect-principal; default: the bind\'s keytab or ccache).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" collect-principal' -l 'collect-principal' -d 'The principal to take from --collect-keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" collect-timeout' -l 'collect-timeout' -d 'Time limit per host in seconds (default 120): a host still busy then is killed and unknown.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" seal' -l 'seal' -d 'Encrypt the SMB session (SMB3), not only sign it.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" allow-ntlm' -l 'allow-ntlm' -d 'Let the host collection fall back to NTLM (never by default).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" strict-manual' -l 'strict-manual' -d 'Count manual checks (e.g. RPC reachability, CES-G1) as unknown in the exit status.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit scan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" output' -l 'output' -d 'The snapshot file to write (atomically, mode 0600: it holds directory data); - is stdout.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot"' -l 'account' -d 'An account to include for a later offline \'user\' run (repeatable).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" all-accounts' -l 'all-accounts' -d 'Include every enabled user and computer account (for an offline \'scan\').'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" evidence' -l 'evidence' -d 'Folder of host evidence to include.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot"' -l 'uri' -d 'ldap://host[:port] or ldaps://host[:port]; repeat for failover.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" domain' -l 'domain' -d 'The AD DNS domain (for DC discovery through _ldap._tcp SRV records).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" starttls' -l 'starttls' -d 'Upgrade ldap:// with StartTLS.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" ca-file' -l 'ca-file' -d 'PEM trust anchors for TLS (verification is on by default).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" tls-insecure' -l 'tls-insecure' -d 'Skip TLS certificate verification (insecure; warns on every run).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" bind-dn' -l 'bind-dn' -d 'Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" password-file' -l 'password-file' -d 'File holding the simple-bind password.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" keytab' -l 'keytab' -d 'Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" base' -l 'base' -d 'Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" timeout' -l 'timeout' -d 'Network and per-operation timeout in seconds (default 30).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" page-size' -l 'page-size' -d 'Page size for paged searches (default 1000).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" config' -l 'config' -d 'YAML file with the same settings (flags win).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit snapshot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" output' -l 'output' -d 'The evidence folder to write (one sub-folder per host, mode 0700).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect"' -l 'resolve' -d 'HOST=ADDRESS: connect to ADDRESS for HOST, keeping HOST for Kerberos (as curl --resolve).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" collect-keytab' -l 'collect-keytab' -d 'Keytab for reading the hosts (with --collect-principal; default: the bind\'s keytab or ccache).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" collect-principal' -l 'collect-principal' -d 'The principal to take from --collect-keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" collect-timeout' -l 'collect-timeout' -d 'Time limit per host in seconds (default 120): a host still busy then is killed and unknown.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" seal' -l 'seal' -d 'Encrypt the SMB session (SMB3), not only sign it.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" allow-ntlm' -l 'allow-ntlm' -d 'Let the host collection fall back to NTLM (never by default).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect"' -l 'uri' -d 'ldap://host[:port] or ldaps://host[:port]; repeat for failover.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" domain' -l 'domain' -d 'The AD DNS domain (for DC discovery through _ldap._tcp SRV records).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" starttls' -l 'starttls' -d 'Upgrade ldap:// with StartTLS.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" ca-file' -l 'ca-file' -d 'PEM trust anchors for TLS (verification is on by default).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" tls-insecure' -l 'tls-insecure' -d 'Skip TLS certificate verification (insecure; warns on every run).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" bind-dn' -l 'bind-dn' -d 'Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" password-file' -l 'password-file' -d 'File holding the simple-bind password.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" keytab' -l 'keytab' -d 'Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" base' -l 'base' -d 'Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" timeout' -l 'timeout' -d 'Network and per-operation timeout in seconds (default 30).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" page-size' -l 'page-size' -d 'Page size for paged searches (default 1000).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" config' -l 'config' -d 'YAML file with the same settings (flags win).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit collect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit history" limit' -l 'limit' -d 'How many runs to show.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit history" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit history" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit rules" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit rules" policies' -l 'policies' -d 'Directory holding a catalogue.yaml that replaces the embedded one.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit rules" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit rules" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit explain" kerberos' -l 'kerberos' -d 'Read a bare number as a Kerberos error code (e.g. 13 = KDC_ERR_BADOPTION).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit explain" win32' -l 'win32' -d 'Read a bare number as a Win32 error code (HRESULT_FROM_WIN32).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit explain" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit explain" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor"' -l 'uri' -d 'ldap://host[:port] or ldaps://host[:port]; repeat for failover.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" domain' -l 'domain' -d 'The AD DNS domain (for DC discovery through _ldap._tcp SRV records).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" starttls' -l 'starttls' -d 'Upgrade ldap:// with StartTLS.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" ca-file' -l 'ca-file' -d 'PEM trust anchors for TLS (verification is on by default).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" tls-insecure' -l 'tls-insecure' -d 'Skip TLS certificate verification (insecure; warns on every run).'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" bind-dn' -l 'bind-dn' -d 'Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" password-file' -l 'password-file' -d 'File holding the simple-bind password.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" keytab' -l 'keytab' -d 'Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" base' -l 'base' -d 'Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" timeout' -l 'timeout' -d 'Network and per-operation timeout in seconds (default 30).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" page-size' -l 'page-size' -d 'Page size for paged searches (default 1000).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" config' -l 'config' -d 'YAML file with the same settings (flags win).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" auth' -l 'auth' -d 'What the endpoint\'s authentication flag requires: kerberos, username or certificate (default: from the URL path).' -rfka 'kerberos username certificate'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" ca-file' -l 'ca-file' -d 'PEM trust anchors the certificate chain is verified against (default: the system\'s).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" keytab' -l 'keytab' -d 'Keytab for the Kerberos leg (with --principal); the ticket stays in memory.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" principal' -l 'principal' -d 'Kerberos principal to take from --keytab.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" no-kerberos' -l 'no-kerberos' -d 'Skip the Kerberos leg.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint"' -l 'resolve' -d 'HOST:ADDRESS — connect to ADDRESS for HOST instead of asking DNS (one node of a farm); repeatable.' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" timeout' -l 'timeout' -d 'Time limit per endpoint in seconds (default 15).' -rfka ''
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" version' -l 'version' -d 'Show the version.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit probe-endpoint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ces-audit' -n '__ces-audit_should_offer_completions_for_flags_or_options "ces-audit help" version' -l 'version' -d 'Show the version.'
