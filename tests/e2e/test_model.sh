# The model-based test (tests/model/walk.sh) on a few seeds: short random
# walks over the whole loop, every step checked against the model. Long
# walks: make model MODEL_STEPS=N MODEL_SEED=S.
. "$(dirname "$0")/lib.sh"

for seed in 1 2 3 4; do
	out=$(bash tests/model/walk.sh --seed "$seed" --steps 25 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q "^model: seed $seed: 25 steps"; then
		pass "model: seed $seed, 25 steps ($(printf '%s\n' "$out" | sed -n 's/.*steps, \([0-9]*\) checks/\1/p') checks)"
	else
		RC=$rc OUT=$out ERR=""
		fail "model: seed $seed, 25 steps" "$(printf '%s\n' "$out" | grep -E '^(not ok|#)' | head -20)"
	fi
done
