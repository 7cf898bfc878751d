#!/bin/sh
# busybox udhcpc event script of the lab (servers, and the WANs of R1–R3): sets the leased
# address and the default route on $interface. Never touches /etc/resolv.conf (shared with the host).
case "$1" in
  deconfig)
    for a in $(ip -4 -o addr show dev "$interface" scope global | awk '$4 !~ /\/32$/ {print $4}'); do
      ip addr del "$a" dev "$interface"
    done
    ip link set "$interface" up
    ;;
  bound|renew)
    # keep static /32 extras (they have no broadcast); replace only the leased address
    old=$(ip -4 -o addr show dev "$interface" | awk '$4 !~ /\/32$/ {print $4}')
    for a in $old; do [ "$a" = "$ip/$mask" ] || ip addr del "$a" dev "$interface"; done
    ip addr replace "$ip/$mask" dev "$interface"
    if [ -n "$router" ]; then
      set -- $router
      ip route replace default via "$1" dev "$interface"
    fi
    ;;
esac
exit 0
