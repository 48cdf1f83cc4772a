#!/bin/sh
# The baseline a user would otherwise script: the observe of `reconciler
# plan --backend liveramp` done with curl and jq in a shell loop, one
# request at a time. It reads what the tool reads (the Kargo destination
# and integration, every integration connection and distribution manager,
# and the segment configs of each manager of the integration) and counts
# the segment configs; it checks nothing and plans nothing.
#
#   curl_observe.sh MAX_REQUESTS
#
# Configured like the tool, from LIVERAMP_API_URL, LIVERAMP_TOKEN_URL,
# LIVERAMP_ORG_ID, LIVERAMP_ACCOUNT_ID and LIVERAMP_SECRET_KEY. Stops after
# MAX_REQUESTS API requests (the token's not counted). Prints one line:
#   requests N configs C seconds S complete yes|no
set -eu

max=${1:?usage: curl_observe.sh MAX_REQUESTS}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
start=$(date +%s.%N)

token=$(curl -sf -X POST "$LIVERAMP_TOKEN_URL" \
	--data-urlencode grant_type=password --data-urlencode "username=$LIVERAMP_ACCOUNT_ID" \
	--data-urlencode "password=$LIVERAMP_SECRET_KEY" --data-urlencode scope=openid \
	--data-urlencode client_id=liveramp-api --data-urlencode response_type=token | jq -r .access_token)

done_early() {
	end=$(date +%s.%N)
	echo "requests $n configs $(wc -l <"$tmp/configs" 2>/dev/null || echo 0) seconds $(echo "$end - $start" | bc) complete $1"
	exit 0
}

# list PATH KEY JQ_ITEM OUT: every page of PATH, one line per item (JQ_ITEM
# applied to it) appended to OUT.
list() {
	after=""
	while :; do
		[ "$n" -ge "$max" ] && done_early no
		url="$LIVERAMP_API_URL$1?limit=100"
		[ -n "$after" ] && url="$url&after=$after"
		curl -sf -H "Authorization: Bearer $token" -H "LR-Org-ID: $LIVERAMP_ORG_ID" \
			-H "Accept: application/json" "$url" >"$tmp/page"
		n=$((n + 1))
		jq -r --arg k "$2" ".[\$k][] | $3" "$tmp/page" >>"$4"
		after=$(jq -r '._pagination.after // empty' "$tmp/page")
		[ -z "$after" ] && return 0
	done
}

: >"$tmp/configs"
list /v2/destinations v2/Destinations 'select(.name == "Kargo") | .id' "$tmp/dest"
dest=$(head -n 1 "$tmp/dest")
list "/v2/destinations/$dest/integrations" integrations \
	'select(.name == "Kargo First-Party Data") | .id' "$tmp/integ"
integ=$(head -n 1 "$tmp/integ")
list /v2/integration-connections v2/IntegrationConnections \
	"select(.integrationID == [\"$dest\", \"$integ\"]) | .id" "$tmp/ics"
list /v2/distribution-managers v2/DistributionManagers \
	'"\(.integrationConnectionID) \(.id)"' "$tmp/dms"
sort "$tmp/ics" >"$tmp/ics.sorted"
sort "$tmp/dms" | join "$tmp/ics.sorted" - | cut -d ' ' -f 2 >"$tmp/targets"
while read -r dm; do
	list "/v2/distribution-managers/$dm/segment-configs" segmentConfigs .segmentID "$tmp/configs"
done <"$tmp/targets"
done_early yes
