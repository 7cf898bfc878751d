# /usr/share/dlan-agent/cron.sh: keeps the dlan-agent line of root's crontab in step with the
# settings. Sourced by /etc/init.d/dlan-agent (on start/reload) and by the first-install script.
# All paths are under ${IPKG_INSTROOT} so the same code works in an image build and in tests.

DLAN_AGENT_CRON_CMD="/usr/bin/dlan-agent sync"

# The crontab schedule for an interval in seconds: every N minutes (at least 1), or every N hours.
dlan_agent_cron_schedule() {
	local interval="${1:-300}" minutes
	case "$interval" in ''|*[!0-9]*) interval=300 ;; esac
	minutes=$(( (interval + 59) / 60 ))
	[ "$minutes" -lt 1 ] && minutes=1
	if [ "$minutes" -lt 60 ]; then
		echo "*/$minutes * * * *"
	else
		echo "0 */$(( (minutes + 59) / 60 )) * * *"
	fi
}

# dlan_agent_cron_apply MODE INTERVAL: with MODE=cron, one line running `dlan-agent sync`; with any
# other mode, no line. Returns 0 when the crontab changed (the caller restarts cron), 1 when not.
dlan_agent_cron_apply() {
	local mode="$1" interval="$2"
	local tab="${IPKG_INSTROOT}/etc/crontabs/root" tmp want
	mkdir -p "${IPKG_INSTROOT}/etc/crontabs"
	[ -f "$tab" ] || : > "$tab"
	tmp="$tab.dlan-agent.$$"
	grep -v -F "$DLAN_AGENT_CRON_CMD" "$tab" > "$tmp"
	if [ "$mode" = cron ]; then
		want="$(dlan_agent_cron_schedule "$interval") $DLAN_AGENT_CRON_CMD"
		echo "$want" >> "$tmp"
	fi
	if cmp -s "$tmp" "$tab"; then
		rm -f "$tmp"
		return 1
	fi
	cat "$tmp" > "$tab"
	rm -f "$tmp"
	return 0
}
