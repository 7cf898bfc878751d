# Stand-in for OpenWrt's /lib/functions.sh (package/base-files/files/lib/functions.sh), installed
# under a temporary root by test/package/ipk-install.test.ts. It has what the package's scripts
# and the postinst/prerm wrappers call: config_load/config_get/config_get_bool/
# config_list_foreach, default_postinst, default_prerm and add_group_and_user. Like the real ones,
# default_postinst/default_prerm take the package name from $pkgname (apk's post-install and
# pre-deinstall export it) or from $1 (opkg's wrappers pass their own path), and the file list
# from /lib/apk/packages/<name>.list when that exists, else /usr/lib/opkg/info/<name>.list.
#
# Differences from the real file, on purpose: there is no chroot, so every path is taken under
# ${IPKG_INSTROOT}; the real default_postinst runs uci-defaults and starts services only when
# IPKG_INSTROOT is empty (a live router), so here DLAN_TEST_LIVE=1 selects that live branch while
# the files stay under ${IPKG_INSTROOT}. Init scripts run through ${IPKG_INSTROOT}/etc/rc.common
# in both branches (the real image-build branch does the same). `uci commit` is not run: the
# package's scripts do not stage UCI changes.

# UCI files are close to shell syntax; reading them with these three functions is how
# config_load worked in early OpenWrt.
config() { CONFIG_SECTION="$2"; eval "CONFIG_${2}_TYPE=\$1"; }
option() { eval "CONFIG_${CONFIG_SECTION}_${1}=\$2"; }
list() {
	local n
	eval "n=\${CONFIG_${CONFIG_SECTION}_${1}_LENGTH:-0}"
	n=$((n + 1))
	eval "CONFIG_${CONFIG_SECTION}_${1}_LENGTH=$n; CONFIG_${CONFIG_SECTION}_${1}_ITEM$n=\$2"
}
config_load() { [ -f "${IPKG_INSTROOT}/etc/config/$1" ] && . "${IPKG_INSTROOT}/etc/config/$1"; return 0; }
config_get() { eval "$1=\${CONFIG_${2}_${3}:-\${4}}"; }
config_get_bool() {
	local _v
	eval "_v=\${CONFIG_${2}_${3}:-\${4}}"
	case "$_v" in
		1|on|true|yes|enabled) _v=1 ;;
		0|off|false|no|disabled) _v=0 ;;
		*) _v="$4" ;;
	esac
	eval "$1=\$_v"
}
config_list_foreach() {
	local n i item
	eval "n=\${CONFIG_${1}_${2}_LENGTH:-0}"
	i=1
	while [ "$i" -le "$n" ]; do
		eval "item=\${CONFIG_${1}_${2}_ITEM$i}"
		"$3" "$item"
		i=$((i + 1))
	done
}

# The real one adds the users a package's Require-User / .rusers names; this package has none.
add_group_and_user() { :; }

default_postinst() {
	local root="${IPKG_INSTROOT}"
	[ -z "$pkgname" ] && local pkgname="$(basename ${1%.*})"
	local filelist="/usr/lib/opkg/info/${pkgname}.list"
	[ -f "$root/lib/apk/packages/${pkgname}.list" ] && filelist="/lib/apk/packages/${pkgname}.list"
	local ret=0 i

	if [ "$DLAN_TEST_LIVE" = 1 ] && grep -m1 -q -s "^/etc/uci-defaults/" "$root$filelist"; then
		for i in $(grep -s "^/etc/uci-defaults/" "$root$filelist"); do
			( [ -f "$root$i" ] && cd "$(dirname "$root$i")" && . "$root$i" ) && rm -f "$root$i"
		done
	fi

	if [ -f "$root/usr/lib/opkg/info/${pkgname}.postinst-pkg" ]; then
		( . "$root/usr/lib/opkg/info/${pkgname}.postinst-pkg" )
		ret=$?
	fi

	for i in $(grep -s "^/etc/init.d/" "$root$filelist"); do
		if [ "$DLAN_TEST_LIVE" = 1 ]; then
			[ "$PKG_UPGRADE" != "1" ] && sh "$root/etc/rc.common" "$root$i" enable
			sh "$root/etc/rc.common" "$root$i" start
		else
			sh "$root/etc/rc.common" "$root$i" enable
		fi
	done
	return $ret
}

default_prerm() {
	local root="${IPKG_INSTROOT}"
	[ -z "$pkgname" ] && local pkgname="$(basename ${1%.*})"
	local filelist="/usr/lib/opkg/info/${pkgname}.list"
	[ -f "$root/lib/apk/packages/${pkgname}.list" ] && filelist="/lib/apk/packages/${pkgname}.list"
	local ret=0 i

	if [ -f "$root/usr/lib/opkg/info/${pkgname}.prerm-pkg" ]; then
		( . "$root/usr/lib/opkg/info/${pkgname}.prerm-pkg" )
		ret=$?
	fi
	for i in $(grep -s "^/etc/init.d/" "$root$filelist"); do
		if [ "$DLAN_TEST_LIVE" = 1 ]; then
			[ "$PKG_UPGRADE" != "1" ] && sh "$root/etc/rc.common" "$root$i" disable
			sh "$root/etc/rc.common" "$root$i" stop
		else
			sh "$root/etc/rc.common" "$root$i" disable
		fi
	done
	return $ret
}
