#!/bin/sh
# DLAN_WIREGUARD_GO for the lab: the Linux backend runs `$DLAN_WIREGUARD_GO wg0` and then polls
# `wg show wg0`. wireguard-go's self-daemonizing mode does not work inside the routers' holders
# (and keeps the caller's pipes), so start it in the foreground mode, fully detached from the caller.
[ -n "$1" ] || { echo "usage: $0 INTERFACE" >&2; exit 2; }
setsid wireguard-go -f "$1" </dev/null >>/run/wireguard-go-"$1".log 2>&1 &
exit 0
