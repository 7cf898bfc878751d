# /usr/share/dlan-agent/cron.sh: keeps the dlan-agent line of root's crontab in step with the
# settings. Sourced by /etc/init.d/dlan-agent (on start/reload) and by the first-install script.
# All paths are under ${IPKG_INSTROOT} so the same code works in an image build and in tests.

# The same lines `dlan-agent init --schedule cron` writes (agent/gitops/install-schedule.ts), so
# either can take over from the other.
DLAN_AGENT_CRON_CMD="/usr/bin/dlan-agent sync"
DLAN_AGENT_CRON_COMMENT="# dlan-agent: GitOps sync (managed by dlan-agent init)"

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

# dlan_agent_cron_apply MODE INTERVAL: with MODE=cron, a comment and one line running
# `dlan-agent sync --jitter`; with any other mode, neither. Returns 0 when the crontab changed
# (the caller restarts cron), 1 when not.
dlan_agent_cron_apply() {
	local mode="$1" interval="$2"
	local tab="${IPKG_INSTROOT}/etc/crontabs/root" tmp want
	mkdir -p "${IPKG_INSTROOT}/etc/crontabs"
	[ -f "$tab" ] || { : > "$tab"; chmod 600 "$tab"; }
	tmp="$tab.dlan-agent.$$"
	grep -v -F -e "$DLAN_AGENT_CRON_CMD" "$tab" | grep -v -x -F -e "$DLAN_AGENT_CRON_COMMENT" > "$tmp"
	if [ "$mode" = cron ]; then
		want="$(dlan_agent_cron_schedule "$interval") $DLAN_AGENT_CRON_CMD --jitter >/dev/null 2>&1"
		printf '%s\n%s\n' "$DLAN_AGENT_CRON_COMMENT" "$want" >> "$tmp"
	fi
	if cmp -s "$tmp" "$tab"; then
		rm -f "$tmp"
		return 1
	fi
	cat "$tmp" > "$tab"
	rm -f "$tmp"
	return 0
}
