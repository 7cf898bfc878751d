#!/bin/sh
# dhclient -6 event script of the lab servers: adds the leased IPv6 address (on-link prefix and
# default route come from the router advertisements). Never touches /etc/resolv.conf.
case "$reason" in
  BOUND6|RENEW6|REBIND6|REBOOT6)
    if [ -n "$old_ip6_address" ] && [ "$old_ip6_address" != "$new_ip6_address" ]; then
      ip -6 addr del "$old_ip6_address/128" dev "$interface" 2>/dev/null
    fi
    [ -n "$new_ip6_address" ] && ip -6 addr replace "$new_ip6_address/128" dev "$interface"
    ;;
  EXPIRE6|RELEASE6|STOP6)
    [ -n "$old_ip6_address" ] && ip -6 addr del "$old_ip6_address/128" dev "$interface" 2>/dev/null
    ;;
  PREINIT6)
    ip link set "$interface" up
    ;;
esac
exit 0
