"""Reference solutions for every question in content/questions-coding.yaml.

Each reference is keyed by question id and checked against the worked example from its
prompt plus a few hand-made cases (including an edge case). Where a brute force is cheap,
the reference is also cross-checked against it on small random inputs with a fixed seed.
This is how we show that the built-in coding questions and their examples are correct.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import math
import random
from collections import Counter, OrderedDict, defaultdict, deque
from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content" / "questions-coding.yaml"


# --------------------------------------------------------------------------- arrays, strings


def moving_average_window(losses, w):
    n = len(losses)
    if w > n:
        return []
    out, s = [], 0.0
    for i, x in enumerate(losses):
        s += x
        if i >= w:
            s -= losses[i - w]
        if i >= w - 1:
            out.append(s / w)
    return out


def moving_average_brute(losses, w):
    return [sum(losses[i : i + w]) / w for i in range(len(losses) - w + 1)]


def merge_two_ranked_lists(a, b):
    i = j = 0
    out = []
    while i < len(a) and j < len(b):
        if a[i][1] >= b[j][1]:
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    return out + a[i:] + b[j:]


def merge_two_brute(a, b):
    return sorted(a + b, key=lambda p: -p[1])  # sorted() is stable: a before b on ties


def clean_text_palindrome(s):
    def ok(c):
        return c.isascii() and c.isalnum()

    i, j = 0, len(s) - 1
    while i < j:
        if not ok(s[i]):
            i += 1
        elif not ok(s[j]):
            j -= 1
        elif s[i].lower() != s[j].lower():
            return False
        else:
            i += 1
            j -= 1
    return True


def palindrome_brute(s):
    t = [c.lower() for c in s if c.isascii() and c.isalnum()]
    return t == t[::-1]


def longest_unique_token_span(tokens):
    last, left, best = {}, 0, 0
    for r, t in enumerate(tokens):
        if last.get(t, -1) >= left:
            left = last[t] + 1
        last[t] = r
        best = max(best, r - left + 1)
    return best


def longest_unique_brute(tokens):
    n = len(tokens)
    return max(
        [j - i for i in range(n) for j in range(i + 1, n + 1) if len(set(tokens[i:j])) == j - i],
        default=0,
    )


def leave_one_out_products(g):
    n = len(g)
    out = [1] * n
    for i in range(1, n):
        out[i] = out[i - 1] * g[i - 1]
    r = 1
    for i in range(n - 1, -1, -1):
        out[i] *= r
        r *= g[i]
    return out


def leave_one_out_brute(g):
    return [math.prod(g[:i] + g[i + 1 :]) for i in range(len(g))]


def best_improvement_stretch(d):
    cur = best = d[0]
    for x in d[1:]:
        cur = max(x, cur + x)
        best = max(best, cur)
    return best


def best_stretch_brute(d):
    return max(sum(d[i:j]) for i in range(len(d)) for j in range(i + 1, len(d) + 1))


def min_window_all_labels(queue, required):
    need = Counter(required)
    missing = len(required)
    left, best = 0, 0
    for right, x in enumerate(queue):
        if need[x] > 0:
            missing -= 1
        need[x] -= 1
        while missing == 0:
            length = right - left + 1
            if best == 0 or length < best:
                best = length
            y = queue[left]
            need[y] += 1
            if need[y] > 0:
                missing += 1
            left += 1
    return best


def min_window_brute(queue, required):
    need = Counter(required)
    best = 0
    for i in range(len(queue)):
        for j in range(i + 1, len(queue) + 1):
            have = Counter(queue[i:j])
            complete = all(have[k] >= v for k, v in need.items())
            if complete and (best == 0 or j - i < best):
                best = j - i
    return best


def stable_loss_plateau(loss, tol):
    maxq, minq = deque(), deque()
    left = best = 0
    for r, x in enumerate(loss):
        while maxq and loss[maxq[-1]] <= x:
            maxq.pop()
        maxq.append(r)
        while minq and loss[minq[-1]] >= x:
            minq.pop()
        minq.append(r)
        while loss[maxq[0]] - loss[minq[0]] > tol:
            left += 1
            if maxq[0] < left:
                maxq.popleft()
            if minq[0] < left:
                minq.popleft()
        best = max(best, r - left + 1)
    return best


def plateau_brute(loss, tol):
    n = len(loss)
    return max(
        j - i
        for i in range(n)
        for j in range(i + 1, n + 1)
        if max(loss[i:j]) - min(loss[i:j]) <= tol
    )


# --------------------------------------------------------------------------- hashing


def gpu_budget_pair(costs, b):
    first = {}
    for j, c in enumerate(costs):
        if b - c in first:
            return (first[b - c], j)
        first.setdefault(c, j)
    return None


def gpu_pair_brute(costs, b):
    for j in range(len(costs)):
        for i in range(j):
            if costs[i] + costs[j] == b:
                return (i, j)
    return None


def first_unique_token(tokens):
    counts = Counter(tokens)
    for i, t in enumerate(tokens):
        if counts[t] == 1:
            return i
    return -1


def first_unique_brute(tokens):
    return next((i for i, t in enumerate(tokens) if tokens.count(t) == 1), -1)


def dedupe_normalised_examples(texts):
    seen, out = set(), []
    for t in texts:
        key = " ".join(t.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def bag_of_words_groups(texts):
    groups = defaultdict(list)
    for i, t in enumerate(texts):
        groups[tuple(sorted(t.split()))].append(i)
    return [g for g in groups.values() if len(g) >= 2]


def bag_groups_brute(texts):
    n = len(texts)
    used, out = set(), []
    for i in range(n):
        if i in used:
            continue
        g = [j for j in range(i, n) if Counter(texts[j].split()) == Counter(texts[i].split())]
        used.update(g)
        if len(g) >= 2:
            out.append(g)
    return out


def shard_runs_hitting_target(nums, k):
    seen = Counter({0: 1})
    p = ans = 0
    for x in nums:
        p += x
        ans += seen[p - k]
        seen[p] += 1
    return ans


def shard_runs_brute(nums, k):
    n = len(nums)
    return sum(1 for i in range(n) for j in range(i, n) if sum(nums[i : j + 1]) == k)


def longest_consecutive_steps(steps):
    s = set(steps)
    best = 0
    for x in s:
        if x - 1 not in s:
            y = x
            while y in s:
                y += 1
            best = max(best, y - x)
    return best


def longest_consecutive_brute(steps):
    vals = sorted(set(steps))
    best = run = 0
    for i, v in enumerate(vals):
        run = run + 1 if i and vals[i - 1] == v - 1 else 1
        best = max(best, run)
    return best


def lru_embedding_cache(capacity, ops):
    cache = OrderedDict()
    out = []
    for op in ops:
        if op[0] == "get":
            key = op[1]
            if key in cache:
                cache.move_to_end(key)
                out.append(cache[key])
            else:
                out.append(-1)
        else:
            _, key, value = op
            if key in cache:
                cache.move_to_end(key)
            cache[key] = value
            if len(cache) > capacity:
                cache.popitem(last=False)
    return out


def lru_brute(capacity, ops):
    # A list ordered from least to most recently used, with linear scans.
    entries = []  # [key, value]
    out = []
    for op in ops:
        idx = next((i for i, e in enumerate(entries) if e[0] == op[1]), None)
        if op[0] == "get":
            if idx is None:
                out.append(-1)
            else:
                e = entries.pop(idx)
                entries.append(e)
                out.append(e[1])
        else:
            if idx is not None:
                entries.pop(idx)
            entries.append([op[1], op[2]])
            if len(entries) > capacity:
                entries.pop(0)
    return out


def spans_with_k_labels(labels, k):
    def at_most(m):
        if m <= 0:
            return 0
        count = Counter()
        left = total = 0
        for r, x in enumerate(labels):
            count[x] += 1
            while len(count) > m:
                y = labels[left]
                count[y] -= 1
                if count[y] == 0:
                    del count[y]
                left += 1
            total += r - left + 1
        return total

    return at_most(k) - at_most(k - 1)


def spans_k_brute(labels, k):
    n = len(labels)
    return sum(1 for i in range(n) for j in range(i, n) if len(set(labels[i : j + 1])) == k)


def longest_repeated_snippet(s):
    n = len(s)
    mod1, mod2, base = (1 << 61) - 1, 1_000_000_007, 131

    def has_repeat(length):
        if length == 0:
            return True
        p1, p2 = pow(base, length, mod1), pow(base, length, mod2)
        h1 = h2 = 0
        seen = set()
        for i, ch in enumerate(s):
            c = ord(ch)
            h1 = (h1 * base + c) % mod1
            h2 = (h2 * base + c) % mod2
            if i >= length:
                old = ord(s[i - length])
                h1 = (h1 - old * p1) % mod1
                h2 = (h2 - old * p2) % mod2
            if i >= length - 1:
                if (h1, h2) in seen:
                    return True
                seen.add((h1, h2))
        return False

    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if has_repeat(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def repeated_snippet_brute(s):
    n = len(s)
    best = 0
    for length in range(1, n):
        subs = [s[i : i + length] for i in range(n - length + 1)]
        if len(set(subs)) < len(subs):
            best = length
    return best


# --------------------------------------------------------------------------- trees, graphs


def decision_tree_depth(left, right):
    best = 0
    stack = [(0, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        for c in (left[node], right[node]):
            if c != -1:
                stack.append((c, d + 1))
    return best


def tree_depth_brute(left, right):
    def depth(v):
        if v == -1:
            return 0
        return 1 + max(depth(left[v]), depth(right[v]))

    return depth(0)


def level_mean_activations(values, left, right):
    out = []
    q = deque([0])
    while q:
        size = len(q)
        total = 0
        for _ in range(size):
            v = q.popleft()
            total += values[v]
            for c in (left[v], right[v]):
                if c != -1:
                    q.append(c)
        out.append(total / size)
    return out


def duplicate_image_clusters(n, pairs):
    parent = list(range(n))
    size = [1] * n

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    count = n
    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
            count -= 1
    return count


def clusters_brute(n, pairs):
    adj = defaultdict(set)
    for a, b in pairs:
        adj[a].add(b)
        adj[b].add(a)
    seen, count = set(), 0
    for s in range(n):
        if s in seen:
            continue
        count += 1
        stack = [s]
        seen.add(s)
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
    return count


def pipeline_step_order(steps, deps):
    indeg = {s: 0 for s in steps}
    succ = defaultdict(list)
    for a, b in deps:
        succ[a].append(b)
        indeg[b] += 1
    ready = [s for s in steps if indeg[s] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        s = heapq.heappop(ready)
        out.append(s)
        for t in succ[s]:
            indeg[t] -= 1
            if indeg[t] == 0:
                heapq.heappush(ready, t)
    return out if len(out) == len(steps) else []


def pipeline_order_brute(steps, deps):
    # Repeatedly pick the alphabetically smallest step whose prerequisites are all done.
    done, out = set(), []
    while len(out) < len(steps):
        ready = [s for s in steps if s not in done and all(a in done for a, b in deps if b == s)]
        if not ready:
            return []
        s = min(ready)
        done.add(s)
        out.append(s)
    return out


def warehouse_robot_path(grid):
    r, c = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[r - 1][c - 1] == "#":
        return -1
    dist = [[-1] * c for _ in range(r)]
    dist[0][0] = 0
    q = deque([(0, 0)])
    while q:
        i, j = q.popleft()
        if (i, j) == (r - 1, c - 1):
            return dist[i][j]
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            a, b = i + di, j + dj
            if 0 <= a < r and 0 <= b < c and grid[a][b] == "." and dist[a][b] == -1:
                dist[a][b] = dist[i][j] + 1
                q.append((a, b))
    return -1


def robot_path_brute(grid):
    # Bellman-Ford style relaxation until nothing changes.
    r, c = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[r - 1][c - 1] == "#":
        return -1
    inf = float("inf")
    dist = [[inf] * c for _ in range(r)]
    dist[0][0] = 0
    changed = True
    while changed:
        changed = False
        for i in range(r):
            for j in range(c):
                if grid[i][j] != "." or dist[i][j] == inf:
                    continue
                for a, b in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                    inside = 0 <= a < r and 0 <= b < c
                    if inside and grid[a][b] == "." and dist[i][j] + 1 < dist[a][b]:
                        dist[a][b] = dist[i][j] + 1
                        changed = True
    d = dist[r - 1][c - 1]
    return -1 if d == inf else d


def threshold_tree_is_valid(values, left, right):
    stack = [(0, None, None)]
    while stack:
        v, lo, hi = stack.pop()
        x = values[v]
        if (lo is not None and x <= lo) or (hi is not None and x >= hi):
            return False
        if left[v] != -1:
            stack.append((left[v], lo, x))
        if right[v] != -1:
            stack.append((right[v], x, hi))
    return True


def valid_bst_brute(values, left, right):
    def subtree(v):
        if v == -1:
            return []
        return [values[v], *subtree(left[v]), *subtree(right[v])]

    for v in range(len(values)):
        if any(x >= values[v] for x in subtree(left[v])):
            return False
        if any(x <= values[v] for x in subtree(right[v])):
            return False
    return True


def replica_latency_routes(n, edges, s):
    adj = defaultdict(list)
    for u, v, w in edges:
        adj[u].append((v, w))
    dist = [math.inf] * n
    dist[s] = 0
    heap = [(0, s)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in adj[u]:
            if d + w < dist[v]:
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return [-1 if d == math.inf else d for d in dist]


def latency_brute(n, edges, s):
    dist = [math.inf] * n
    dist[s] = 0
    for _ in range(n):
        for u, v, w in edges:
            if dist[u] + w < dist[v]:
                dist[v] = dist[u] + w
    return [-1 if d == math.inf else d for d in dist]


def max_path_gain(values, left, right):
    order, q = [], deque([0])
    while q:
        v = q.popleft()
        order.append(v)
        for c in (left[v], right[v]):
            if c != -1:
                q.append(c)
    down = [0] * len(values)
    best = -math.inf
    for v in reversed(order):
        gl = max(0, down[left[v]]) if left[v] != -1 else 0
        gr = max(0, down[right[v]]) if right[v] != -1 else 0
        down[v] = values[v] + max(gl, gr)
        best = max(best, values[v] + gl + gr)
    return best


def max_path_brute(values, left, right):
    n = len(values)
    adj = defaultdict(list)
    for v in range(n):
        for c in (left[v], right[v]):
            if c != -1:
                adj[v].append(c)
                adj[c].append(v)
    best = -math.inf
    for s in range(n):  # every simple path in a tree is the unique path between two nodes
        stack = [(s, -1, values[s])]
        while stack:
            v, parent, total = stack.pop()
            best = max(best, total)
            for w in adj[v]:
                if w != parent:
                    stack.append((w, v, total + values[w]))
    return best


# --------------------------------------------------------------------------- heaps, sorting


class _Ranked:
    """Heap entry whose order puts the worst-ranked item (low score, then large id) first."""

    __slots__ = ("item",)

    def __init__(self, item):
        self.item = item

    def __lt__(self, other):
        (ia, sa), (ib, sb) = self.item, other.item
        return sa < sb or (sa == sb and ia > ib)


def top_k_scored_items(items, k):
    heap = []
    for it in items:
        heapq.heappush(heap, _Ranked(it))
        if len(heap) > k:
            heapq.heappop(heap)
    kept = sorted((e.item for e in heap), key=lambda p: (-p[1], p[0]))
    return [i for i, _ in kept]


def top_k_brute(items, k):
    return [i for i, _ in sorted(items, key=lambda p: (-p[1], p[0]))[:k]]


def merge_annotation_spans(spans):
    out = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def merge_spans_brute(spans):
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    out = []
    for x in sorted(covered):
        if out and x == out[-1][1]:
            out[-1] = (out[-1][0], x + 1)
        else:
            out.append((x, x + 1))
    return out


def merge_k_ranked_shards(shards):
    heap = [(sh[0], i, 0) for i, sh in enumerate(shards) if sh]
    heapq.heapify(heap)
    out = []
    while heap:
        v, i, j = heapq.heappop(heap)
        out.append(v)
        if j + 1 < len(shards[i]):
            heapq.heappush(heap, (shards[i][j + 1], i, j + 1))
    return out


def merge_k_brute(shards):
    return sorted(itertools.chain.from_iterable(shards))


def nearest_embeddings(q, points, k):
    heap = []  # max-heap via negation: (-dist2, -index)
    for idx, p in enumerate(points):
        d2 = sum((a - b) ** 2 for a, b in zip(q, p, strict=True))
        entry = (-d2, -idx)
        if len(heap) < k:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:
            heapq.heapreplace(heap, entry)
    return [-i for _, i in sorted(heap, reverse=True)]


def nearest_brute(q, points, k):
    d = [(sum((a - b) ** 2 for a, b in zip(q, p, strict=True)), i) for i, p in enumerate(points)]
    return [i for _, i in sorted(d)[:k]]


def min_gpus_for_jobs(jobs):
    ends, best = [], 0
    for s, e in sorted(jobs):
        while ends and ends[0] <= s:
            heapq.heappop(ends)
        heapq.heappush(ends, e)
        best = max(best, len(ends))
    return best


def min_gpus_brute(jobs):
    times = {s for s, _ in jobs}
    return max((sum(1 for s, e in jobs if s <= t < e) for t in times), default=0)


def running_median_latency(latencies):
    lower, upper, out = [], [], []  # lower is a max-heap of negated values
    for x in latencies:
        heapq.heappush(lower, -x)
        heapq.heappush(upper, -heapq.heappop(lower))
        if len(upper) > len(lower):
            heapq.heappush(lower, -heapq.heappop(upper))
        if len(lower) > len(upper):
            out.append(float(-lower[0]))
        else:
            out.append((-lower[0] + upper[0]) / 2)
    return out


def running_median_brute(latencies):
    out = []
    for i in range(1, len(latencies) + 1):
        s = sorted(latencies[:i])
        out.append(float(s[i // 2]) if i % 2 else (s[i // 2 - 1] + s[i // 2]) / 2)
    return out


def ranking_disagreement(p):
    def sort_count(a):
        if len(a) <= 1:
            return a, 0
        mid = len(a) // 2
        left, cl = sort_count(a[:mid])
        right, cr = sort_count(a[mid:])
        merged, i, j, c = [], 0, 0, cl + cr
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                j += 1
                c += len(left) - i
        merged.extend(left[i:])
        merged.extend(right[j:])
        return merged, c

    return sort_count(list(p))[1]


def inversions_brute(p):
    n = len(p)
    return sum(1 for i in range(n) for j in range(i + 1, n) if p[i] > p[j])


def smallest_range_all_models(lists):
    heap = [(lst[0], i, 0) for i, lst in enumerate(lists)]
    heapq.heapify(heap)
    cur_max = max(lst[0] for lst in lists)
    best = None
    while True:
        lo, i, j = heap[0]
        if best is None or (cur_max - lo, lo) < (best[1] - best[0], best[0]):
            best = (lo, cur_max)
        if j + 1 == len(lists[i]):
            return best
        heapq.heapreplace(heap, (lists[i][j + 1], i, j + 1))
        cur_max = max(cur_max, lists[i][j + 1])


def smallest_range_brute(lists):
    best = None
    for picks in itertools.product(*lists):
        cand = (min(picks), max(picks))
        if best is None or (cand[1] - cand[0], cand[0]) < (best[1] - best[0], best[0]):
            best = cand
    return best


# --------------------------------------------------------------------------- dynamic programming


def non_adjacent_experiments(values):
    prev2 = prev1 = 0
    for v in values:
        prev2, prev1 = prev1, max(prev1, prev2 + v)
    return prev1


def non_adjacent_brute(values):
    n = len(values)
    best = 0
    for mask in range(1 << n):
        if mask & (mask >> 1):
            continue
        best = max(best, sum(values[i] for i in range(n) if mask >> i & 1))
    return best


def cheapest_grid_route(cost):
    r, c = len(cost), len(cost[0])
    row = [0] * c
    for i in range(r):
        for j in range(c):
            if i == 0 and j == 0:
                row[j] = cost[0][0]
            elif i == 0:
                row[j] = row[j - 1] + cost[i][j]
            elif j == 0:
                row[j] = row[j] + cost[i][j]
            else:
                row[j] = min(row[j], row[j - 1]) + cost[i][j]
    return row[-1]


def grid_route_brute(cost):
    r, c = len(cost), len(cost[0])
    best = math.inf
    for downs in itertools.combinations(range(r + c - 2), r - 1):
        i = j = 0
        total = cost[0][0]
        for step in range(r + c - 2):
            if step in downs:
                i += 1
            else:
                j += 1
            total += cost[i][j]
        best = min(best, total)
    return best


def transcript_edit_distance(ref, hyp):
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        cur = [i] + [0] * len(hyp)
        for j in range(1, len(hyp) + 1):
            if ref[i - 1] == hyp[j - 1]:
                cur[j] = prev[j - 1]
            else:
                cur[j] = 1 + min(prev[j], cur[j - 1], prev[j - 1])
        prev = cur
    return prev[-1]


def edit_distance_brute(ref, hyp):
    # Plain memoised recursion on suffixes, written independently of the table version.
    @functools.cache
    def go(i, j):
        if i == len(ref):
            return len(hyp) - j
        if j == len(hyp):
            return len(ref) - i
        if ref[i] == hyp[j]:
            return go(i + 1, j + 1)
        return 1 + min(go(i + 1, j), go(i, j + 1), go(i + 1, j + 1))

    return go(0, 0)


def fewest_batches(sizes, n):
    inf = math.inf
    dp = [0] + [inf] * n
    for t in range(1, n + 1):
        for s in sizes:
            if s <= t and dp[t - s] + 1 < dp[t]:
                dp[t] = dp[t - s] + 1
    return -1 if dp[n] == inf else dp[n]


def fewest_batches_brute(sizes, n):
    # Breadth-first search over reachable totals.
    if n == 0:
        return 0
    seen, frontier, steps = {0}, [0], 0
    while frontier:
        steps += 1
        nxt = []
        for t in frontier:
            for s in sizes:
                u = t + s
                if u == n:
                    return steps
                if u < n and u not in seen:
                    seen.add(u)
                    nxt.append(u)
        frontier = nxt
    return -1


def experiment_budget_knapsack(costs, values, budget):
    best = [0] * (budget + 1)
    for c, v in zip(costs, values, strict=True):
        for b in range(budget, c - 1, -1):
            best[b] = max(best[b], best[b - c] + v)
    return best[budget]


def knapsack_brute(costs, values, budget):
    n = len(costs)
    best = 0
    for mask in range(1 << n):
        idx = [i for i in range(n) if mask >> i & 1]
        if sum(costs[i] for i in idx) <= budget:
            best = max(best, sum(values[i] for i in idx))
    return best


def fewest_vocab_pieces(vocab, word):
    pieces = set(vocab)
    maxlen = max(map(len, pieces))
    n = len(word)
    best = [0] + [math.inf] * n
    for i in range(1, n + 1):
        for length in range(1, min(i, maxlen) + 1):
            if word[i - length : i] in pieces and best[i - length] + 1 < best[i]:
                best[i] = best[i - length] + 1
    return -1 if best[n] == math.inf else best[n]


def vocab_pieces_brute(vocab, word):
    # Try every way to cut the word (2^(n-1) cut sets).
    n = len(word)
    if n == 0:
        return 0
    pieces = set(vocab)
    best = math.inf
    for mask in range(1 << (n - 1)):
        cuts = [0] + [i + 1 for i in range(n - 1) if mask >> i & 1] + [n]
        parts = [word[a:b] for a, b in itertools.pairwise(cuts)]
        if all(p in pieces for p in parts):
            best = min(best, len(parts))
    return -1 if best == math.inf else best


def longest_improving_run(scores):
    tails = []
    for x in scores:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


def lis_brute(scores):
    n = len(scores)
    best = [1] * n
    for i in range(n):
        for j in range(i):
            if scores[j] < scores[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def viterbi_tag_path(start, trans, emit):
    n, t_count = len(emit), len(start)
    delta = [start[t] + emit[0][t] for t in range(t_count)]
    back = []
    for i in range(1, n):
        new, ptr = [], []
        for t in range(t_count):
            s_best = max(range(t_count), key=lambda s: delta[s] + trans[s][t])
            new.append(delta[s_best] + trans[s_best][t] + emit[i][t])
            ptr.append(s_best)
        delta = new
        back.append(ptr)
    last = max(range(t_count), key=lambda t: delta[t])
    path = [last]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    path.reverse()
    return delta[last], path


def path_score(start, trans, emit, path):
    s = start[path[0]] + emit[0][path[0]]
    for i in range(1, len(path)):
        s += trans[path[i - 1]][path[i]] + emit[i][path[i]]
    return s


def viterbi_brute(start, trans, emit):
    best = None
    for path in itertools.product(range(len(start)), repeat=len(emit)):
        s = path_score(start, trans, emit, path)
        if best is None or s > best[0]:
            best = (s, list(path))
    return best


# --------------------------------------------------------------------------- random inputs

R = random.Random(20260226)


def _ints(lo, hi, nlo=1, nhi=9):
    return [R.randint(lo, hi) for _ in range(R.randint(nlo, nhi))]


def _random_tree(n):
    """Random binary tree with nodes 0..n-1 and root 0, in left/right child arrays."""
    left, right = [-1] * n, [-1] * n
    for v in range(1, n):
        while True:
            p = R.randrange(v)
            side = R.choice((left, right))
            if side[p] == -1:
                side[p] = v
                break
    return left, right


def _gen_moving_average():
    xs = _ints(-9, 9)
    return (xs, R.randint(1, len(xs)))


def _gen_merge_two():
    def lst():
        return [
            (f"{R.choice('abc')}{i}", s)
            for i, s in enumerate(sorted(_ints(0, 3, 0, 5), reverse=True))
        ]

    return (lst(), lst())


def _gen_min_window():
    q = [R.choice("abcd") for _ in range(R.randint(1, 9))]
    return (q, [R.choice("abcd") for _ in range(R.randint(1, 3))])


def _gen_bag_groups():
    return (
        [" ".join(R.choice("ab") for _ in range(R.randint(1, 3))) for _ in range(R.randint(1, 8))],
    )


def _gen_lru():
    ops = []
    for _ in range(R.randint(1, 30)):
        if R.random() < 0.5:
            ops.append(("get", R.randint(0, 5)))
        else:
            ops.append(("put", R.randint(0, 5), R.randint(0, 99)))
    return (R.randint(1, 3), ops)


def _gen_tree_values(lo, hi):
    def gen():
        n = R.randint(1, 9)
        left, right = _random_tree(n)
        return ([R.randint(lo, hi) for _ in range(n)], left, right)

    return gen


def _gen_pipeline():
    names = ["clean", "eval", "feat", "ingest", "split", "train"][: R.randint(1, 6)]
    R.shuffle(names)
    deps = []
    for _ in range(R.randint(0, 7)):
        a, b = R.choice(names), R.choice(names)
        if a != b:
            deps.append((a, b))
    return (names, deps)


def _gen_grid():
    r, c = R.randint(1, 5), R.randint(1, 5)
    return (["".join("#" if R.random() < 0.3 else "." for _ in range(c)) for _ in range(r)],)


def _gen_bst():
    n = R.randint(1, 8)
    left, right = _random_tree(n)
    # Fill by in-order traversal with increasing values, then sometimes perturb one value.
    values = [0] * n
    counter = iter(range(0, 100, 10))

    def inorder(v):
        if v == -1:
            return
        inorder(left[v])
        values[v] = next(counter)
        inorder(right[v])

    inorder(0)
    if R.random() < 0.5:
        values[R.randrange(n)] = R.randint(-5, 95)
    return (values, left, right)


def _gen_latency():
    n = R.randint(1, 6)
    edges = [(R.randrange(n), R.randrange(n), R.randint(0, 9)) for _ in range(R.randint(0, 12))]
    return (n, edges, R.randrange(n))


def _gen_top_k():
    ids = R.sample("abcdefghij", R.randint(1, 8))
    items = [(i, R.choice([0.1, 0.5, 0.9])) for i in ids]
    return (items, R.randint(1, len(items)))


def _gen_spans():
    spans = []
    for _ in range(R.randint(0, 6)):
        s = R.randint(0, 15)
        spans.append((s, s + R.randint(1, 4)))
    return (spans,)


def _gen_nearest():
    pts = [(R.randint(-3, 3), R.randint(-3, 3)) for _ in range(R.randint(1, 9))]
    return ((R.randint(-2, 2), R.randint(-2, 2)), pts, R.randint(1, len(pts)))


def _gen_smallest_range():
    return ([sorted(_ints(-5, 5, 1, 4)) for _ in range(R.randint(1, 4))],)


def _gen_grid_costs():
    r, c = R.randint(1, 4), R.randint(1, 4)
    return ([[R.randint(0, 9) for _ in range(c)] for _ in range(r)],)


def _gen_edit():
    return (
        [R.choice("ab") for _ in range(R.randint(0, 6))],
        [R.choice("ab") for _ in range(R.randint(0, 6))],
    )


def _gen_batches():
    return (sorted(set(_ints(1, 9, 1, 3))), R.randint(0, 30))


def _gen_knapsack():
    n = R.randint(1, 7)
    return (
        [R.randint(1, 8) for _ in range(n)],
        [R.randint(0, 20) for _ in range(n)],
        R.randint(0, 20),
    )


def _gen_vocab():
    vocab = sorted(
        {"".join(R.choice("ab") for _ in range(R.randint(1, 3))) for _ in range(R.randint(1, 5))}
    )
    return (vocab, "".join(R.choice("ab") for _ in range(R.randint(0, 8))))


def _gen_viterbi():
    t, n = R.randint(1, 3), R.randint(1, 4)

    def row():
        return [R.uniform(-3, 0) for _ in range(t)]

    return (row(), [row() for _ in range(t)], [row() for _ in range(n)])


# --------------------------------------------------------------------------- registry

# id -> (reference, [(args, expected), ...], brute force or None, input generator or None)
REFERENCES = {
    "q-coding-moving-average-window": (
        moving_average_window,
        [
            (([4, 2, 6, 8, 0], 2), [3.0, 4.0, 7.0, 4.0]),
            (([1, 2, 3], 3), [2.0]),
            (([5], 2), []),
            (([-1, 1, -1], 1), [-1.0, 1.0, -1.0]),
        ],
        moving_average_brute,
        _gen_moving_average,
    ),
    "q-coding-merge-two-ranked-lists": (
        merge_two_ranked_lists,
        [
            (
                ([("x", 0.9), ("y", 0.4)], [("p", 0.7), ("q", 0.4), ("r", 0.1)]),
                [("x", 0.9), ("p", 0.7), ("y", 0.4), ("q", 0.4), ("r", 0.1)],
            ),
            (([], [("p", 0.5)]), [("p", 0.5)]),
            (([], []), []),
            (([("a", 0.5)], [("b", 0.5)]), [("a", 0.5), ("b", 0.5)]),
        ],
        merge_two_brute,
        _gen_merge_two,
    ),
    "q-coding-clean-text-palindrome": (
        clean_text_palindrome,
        [
            (("Step on no pets!",), True),
            (("Train, not rain",), False),
            (("",), True),
            (("?!.",), True),
        ],
        palindrome_brute,
        lambda: ("".join(R.choice("aAbB ,!1") for _ in range(R.randint(0, 8))),),
    ),
    "q-coding-longest-unique-token-span": (
        longest_unique_token_span,
        [
            (([5, 3, 5, 2, 3, 7],), 4),
            (([],), 0),
            (([1, 1, 1],), 1),
            (([1, 2, 3],), 3),
        ],
        longest_unique_brute,
        lambda: (_ints(0, 4, 0, 10),),
    ),
    "q-coding-leave-one-out-products": (
        leave_one_out_products,
        [
            (([2, 3, 0, 4],), [0, 0, 24, 0]),
            (([1, 2, 3, 4],), [24, 12, 8, 6]),
            (([0, 5, 0],), [0, 0, 0]),
            (([-2, 3],), [3, -2]),
        ],
        leave_one_out_brute,
        lambda: (_ints(-3, 3, 2, 8),),
    ),
    "q-coding-best-improvement-stretch": (
        best_improvement_stretch,
        [
            (([-3, 4, -1, 3, -6, 5],), 6),
            (([-5, -2, -9],), -2),
            (([7],), 7),
        ],
        best_stretch_brute,
        lambda: (_ints(-9, 9),),
    ),
    "q-coding-min-window-all-labels": (
        min_window_all_labels,
        [
            ((["cat", "dog", "cat", "bird", "dog", "fish", "cat"], ["cat", "dog", "fish"]), 3),
            ((["cat", "dog", "cat", "bird", "dog", "fish", "cat"], ["cat", "cat"]), 3),
            ((["a", "b"], ["c"]), 0),
            ((["a"], ["a"]), 1),
        ],
        min_window_brute,
        _gen_min_window,
    ),
    "q-coding-stable-loss-plateau": (
        stable_loss_plateau,
        [
            (([8, 2, 4, 7, 5, 9, 3], 3), 3),
            (([1, 1, 2, 2, 2], 0), 3),
            (([5], 0), 1),
        ],
        plateau_brute,
        lambda: (_ints(0, 9), R.randint(0, 4)),
    ),
    "q-coding-gpu-budget-pair": (
        gpu_budget_pair,
        [
            (([7, 3, 12, 5, 9], 12), (0, 3)),
            (([6, 1, 6], 12), (0, 2)),
            (([6, 1], 12), None),
            (([0, 0], 0), (0, 1)),
        ],
        gpu_pair_brute,
        lambda: (_ints(0, 6, 2, 8), R.randint(0, 12)),
    ),
    "q-coding-first-unique-token": (
        first_unique_token,
        [
            ((["the", "model", "the", "loss", "model", "nan"],), 3),
            (([],), -1),
            ((["a", "a"],), -1),
        ],
        first_unique_brute,
        lambda: ([R.choice("abcd") for _ in range(R.randint(0, 8))],),
    ),
    "q-coding-dedupe-normalised-examples": (
        dedupe_normalised_examples,
        [
            (
                (["Hello  world", "hello world ", "Bye", "HELLO WORLD", "bye now"],),
                ["Hello  world", "Bye", "bye now"],
            ),
            (([],), []),
            ((["", "   ", "\t\n", "x"],), ["", "x"]),
        ],
        None,
        None,
    ),
    "q-coding-bag-of-words-groups": (
        bag_of_words_groups,
        [
            ((["a b c", "c a b", "a a b", "b c a", "b a a", "d"],), [[0, 1, 3], [2, 4]]),
            ((["x", "y"],), []),
            ((["", ""],), [[0, 1]]),
        ],
        bag_groups_brute,
        _gen_bag_groups,
    ),
    "q-coding-shard-runs-hitting-target": (
        shard_runs_hitting_target,
        [
            (([3, 4, -1, 1, 3, 2], 7), 3),
            (([0, 0, 0], 0), 6),
            (([5], 4), 0),
        ],
        shard_runs_brute,
        lambda: (_ints(-3, 3), R.randint(-3, 3)),
    ),
    "q-coding-longest-consecutive-steps": (
        longest_consecutive_steps,
        [
            (([100, 4, 200, 1, 3, 2, 2],), 4),
            (([],), 0),
            (([-1, 0, 1, 5],), 3),
        ],
        longest_consecutive_brute,
        lambda: (_ints(-5, 5, 0, 10),),
    ),
    "q-coding-lru-embedding-cache": (
        lru_embedding_cache,
        [
            (
                (
                    2,
                    [
                        ("put", 1, 10),
                        ("put", 2, 20),
                        ("get", 1),
                        ("put", 3, 30),
                        ("get", 2),
                        ("get", 3),
                        ("put", 1, 15),
                        ("get", 1),
                    ],
                ),
                [10, -1, 30, 15],
            ),
            ((1, [("put", 1, 1), ("put", 2, 2), ("get", 1), ("get", 2)]), [-1, 2]),
            ((2, [("get", 7)]), [-1]),
        ],
        lru_brute,
        _gen_lru,
    ),
    "q-coding-spans-with-k-labels": (
        spans_with_k_labels,
        [
            (([1, 2, 1, 2, 3], 2), 7),
            (([1, 1, 1], 2), 0),
            (([4], 1), 1),
        ],
        spans_k_brute,
        lambda: (_ints(0, 3), R.randint(1, 4)),
    ),
    "q-coding-longest-repeated-snippet": (
        longest_repeated_snippet,
        [
            (("banana",), 3),
            (("abc",), 0),
            (("a",), 0),
            (("aaaa",), 3),
        ],
        repeated_snippet_brute,
        lambda: ("".join(R.choice("ab") for _ in range(R.randint(1, 12))),),
    ),
    "q-coding-decision-tree-depth": (
        decision_tree_depth,
        [
            (([1, 3, -1, -1, -1], [2, -1, -1, 4, -1]), 4),
            (([-1], [-1]), 1),
            (([*range(1, 5000), -1], [-1] * 5000), 5000),
        ],
        tree_depth_brute,
        lambda: _random_tree(R.randint(1, 9)),
    ),
    "q-coding-level-mean-activations": (
        level_mean_activations,
        [
            (([4, 2, 9, 1, 5], [1, 3, -1, -1, -1], [2, 4, -1, -1, -1]), [4.0, 5.5, 3.0]),
            (([-7], [-1], [-1]), [-7.0]),
            (([1, 2, 3], [1, -1, -1], [-1, 2, -1]), [1.0, 2.0, 3.0]),
        ],
        None,
        None,
    ),
    "q-coding-duplicate-image-clusters": (
        duplicate_image_clusters,
        [
            ((6, [(0, 1), (1, 2), (3, 4)]), 3),
            ((3, []), 3),
            ((2, [(0, 0), (0, 1), (1, 0)]), 1),
        ],
        clusters_brute,
        lambda: (lambda n: (n, [(R.randrange(n), R.randrange(n)) for _ in range(R.randint(0, 8))]))(
            R.randint(1, 8)
        ),
    ),
    "q-coding-pipeline-step-order": (
        pipeline_step_order,
        [
            (
                (
                    ["train", "ingest", "eval", "split", "clean", "features"],
                    [
                        ("ingest", "clean"),
                        ("clean", "features"),
                        ("clean", "split"),
                        ("features", "train"),
                        ("split", "train"),
                        ("train", "eval"),
                    ],
                ),
                ["ingest", "clean", "features", "split", "train", "eval"],
            ),
            ((["a", "b"], [("a", "b"), ("b", "a")]), []),
            ((["b", "a"], []), ["a", "b"]),
        ],
        pipeline_order_brute,
        _gen_pipeline,
    ),
    "q-coding-warehouse-robot-path": (
        warehouse_robot_path,
        [
            (([".....", "####.", ".....", ".####", "....."],), 16),
            ((["."],), 0),
            (([".#", "#."],), -1),
            ((["#."],), -1),
        ],
        robot_path_brute,
        _gen_grid,
    ),
    "q-coding-threshold-tree-is-valid": (
        threshold_tree_is_valid,
        [
            (([10, 5, 15, 3, 12], [1, 3, -1, -1, -1], [2, 4, -1, -1, -1]), False),
            (([10, 5, 15, 3, 7], [1, 3, -1, -1, -1], [2, 4, -1, -1, -1]), True),
            (([1], [-1], [-1]), True),
            (([2, 2], [1, -1], [-1, -1]), False),
        ],
        valid_bst_brute,
        _gen_bst,
    ),
    "q-coding-replica-latency-routes": (
        replica_latency_routes,
        [
            ((5, [(0, 1, 4), (0, 2, 1), (2, 1, 2), (1, 3, 1), (2, 3, 5)], 0), [0, 3, 1, 4, -1]),
            ((1, [], 0), [0]),
            ((3, [(0, 1, 0), (1, 2, 0), (0, 2, 5)], 0), [0, 0, 0]),
        ],
        latency_brute,
        _gen_latency,
    ),
    "q-coding-max-path-gain": (
        max_path_gain,
        [
            (([-4, 8, 10, -2, 6, 3], [1, -1, 3, -1, 5, -1], [2, -1, 4, -1, -1, -1]), 23),
            (([-3, -1, -2], [1, -1, -1], [2, -1, -1]), -1),
            (([5], [-1], [-1]), 5),
        ],
        max_path_brute,
        _gen_tree_values(-9, 9),
    ),
    "q-coding-top-k-scored-items": (
        top_k_scored_items,
        [
            (([("a", 0.2), ("b", 0.9), ("c", 0.5), ("d", 0.9), ("e", 0.1)], 3), ["b", "d", "c"]),
            (([("z", 0.5), ("y", 0.5)], 1), ["y"]),
            (([("a", 0.1)], 1), ["a"]),
        ],
        top_k_brute,
        _gen_top_k,
    ),
    "q-coding-merge-annotation-spans": (
        merge_annotation_spans,
        [
            (([(5, 8), (1, 3), (2, 4), (8, 10), (12, 13)],), [(1, 4), (5, 10), (12, 13)]),
            (([],), []),
            (([(1, 10), (2, 3)],), [(1, 10)]),
        ],
        merge_spans_brute,
        _gen_spans,
    ),
    "q-coding-merge-k-ranked-shards": (
        merge_k_ranked_shards,
        [
            (([[1, 4, 9], [2, 3, 10], [], [5]],), [1, 2, 3, 4, 5, 9, 10]),
            (([[], []],), []),
            (([[1, 1], [1]],), [1, 1, 1]),
        ],
        merge_k_brute,
        lambda: ([sorted(_ints(0, 9, 0, 4)) for _ in range(R.randint(1, 4))],),
    ),
    "q-coding-nearest-embeddings": (
        nearest_embeddings,
        [
            (((0, 0), [(3, 4), (1, 1), (-2, 0), (0, 5), (1, -1)], 3), [1, 4, 2]),
            (((1,), [(1,)], 1), [0]),
            (((0, 0), [(1, 0), (0, 1), (-1, 0)], 3), [0, 1, 2]),
        ],
        nearest_brute,
        _gen_nearest,
    ),
    "q-coding-min-gpus-for-jobs": (
        min_gpus_for_jobs,
        [
            (([(0, 30), (5, 10), (10, 20), (15, 25)],), 3),
            (([],), 0),
            (([(0, 5), (5, 10)],), 1),
        ],
        min_gpus_brute,
        _gen_spans,
    ),
    "q-coding-running-median-latency": (
        running_median_latency,
        [
            (([5, 15, 1, 3],), [5.0, 10.0, 5.0, 4.0]),
            (([7],), [7.0]),
            (([2, 2, 2],), [2.0, 2.0, 2.0]),
        ],
        running_median_brute,
        lambda: (_ints(0, 20),),
    ),
    "q-coding-ranking-disagreement": (
        ranking_disagreement,
        [
            (([2, 0, 3, 1],), 3),
            (([0],), 0),
            ((list(range(9, -1, -1)),), 45),
        ],
        inversions_brute,
        lambda: (R.sample(range(10), R.randint(1, 10)),),
    ),
    "q-coding-smallest-range-all-models": (
        smallest_range_all_models,
        [
            (([[4, 10, 15], [1, 9, 20], [8, 12]],), (8, 10)),
            (([[3, 7]],), (3, 3)),
            (([[1, 5], [3, 9]],), (1, 3)),
        ],
        smallest_range_brute,
        _gen_smallest_range,
    ),
    "q-coding-non-adjacent-experiments": (
        non_adjacent_experiments,
        [
            (([5, 1, 2, 9, 3],), 14),
            (([],), 0),
            (([2, 3, 2],), 4),
        ],
        non_adjacent_brute,
        lambda: (_ints(0, 9, 0, 10),),
    ),
    "q-coding-cheapest-grid-route": (
        cheapest_grid_route,
        [
            (([[1, 4, 1], [2, 7, 1], [6, 8, 1]],), 8),
            (([[3]],), 3),
            (([[1, 2, 3]],), 6),
        ],
        grid_route_brute,
        _gen_grid_costs,
    ),
    "q-coding-transcript-edit-distance": (
        transcript_edit_distance,
        [
            ((["the", "cat", "sat", "on", "the", "mat"], ["the", "cat", "sit", "on", "mat"]), 2),
            (([], ["a", "b"]), 2),
            ((["a"], []), 1),
        ],
        edit_distance_brute,
        _gen_edit,
    ),
    "q-coding-fewest-batches": (
        fewest_batches,
        [
            (([1, 6, 10], 12), 2),
            (([4, 6], 7), -1),
            (([3], 0), 0),
        ],
        fewest_batches_brute,
        _gen_batches,
    ),
    "q-coding-experiment-budget-knapsack": (
        experiment_budget_knapsack,
        [
            (([3, 4, 2, 5], [30, 50, 15, 60], 7), 80),
            (([6, 5, 5], [7, 5, 5], 10), 10),
            (([3], [9], 0), 0),
        ],
        knapsack_brute,
        _gen_knapsack,
    ),
    "q-coding-fewest-vocab-pieces": (
        fewest_vocab_pieces,
        [
            ((["to", "token", "tokeni", "ken", "izer", "i", "z", "er"], "tokenizer"), 2),
            ((["a"], ""), 0),
            ((["ab"], "aba"), -1),
        ],
        vocab_pieces_brute,
        _gen_vocab,
    ),
    "q-coding-longest-improving-run": (
        longest_improving_run,
        [
            (([3, 1, 4, 1, 5, 9, 2, 6],), 4),
            (([],), 0),
            (([2, 2, 2],), 1),
        ],
        lis_brute,
        lambda: (_ints(0, 9, 0, 10),),
    ),
    "q-coding-viterbi-tag-path": (
        viterbi_tag_path,
        [
            (([0, 0], [[0, -3], [-3, 0]], [[0, -2], [-1, 0], [0, -2]]), (-1, [0, 0, 0])),
            (([0, -1], [[0, 0], [0, 0]], [[0, 5]]), (4, [1])),
        ],
        viterbi_brute,
        _gen_viterbi,
    ),
}


# --------------------------------------------------------------------------- tests


def _question_ids():
    data = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    return [q["id"] for q in data["questions"] if q["category"] == "coding"]


def _same(got, expected):
    if isinstance(expected, float):
        return isinstance(got, (int, float)) and math.isclose(
            got, expected, rel_tol=1e-9, abs_tol=1e-9
        )
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)):
        return (
            type(got) is type(expected)
            and len(got) == len(expected)
            and all(_same(g, e) for g, e in zip(got, expected, strict=True))
        )
    return got == expected


def test_every_question_has_a_reference_and_every_reference_a_question():
    ids = _question_ids()
    assert len(ids) == len(set(ids)), "duplicate coding question ids"
    assert sorted(set(ids) - set(REFERENCES)) == [], "coding questions without a reference"
    assert sorted(set(REFERENCES) - set(ids)) == [], "references for unknown question ids"


@pytest.mark.parametrize(
    ("qid", "args", "expected"),
    [(qid, args, exp) for qid, (_, cases, _, _) in REFERENCES.items() for args, exp in cases],
    ids=lambda v: v if isinstance(v, str) and v.startswith("q-") else "",
)
def test_reference_on_cases(qid, args, expected):
    ref = REFERENCES[qid][0]
    assert _same(ref(*args), expected), f"{qid}{args!r}"


def test_every_reference_has_two_to_four_cases():
    for qid, (_, cases, _, _) in REFERENCES.items():
        assert 2 <= len(cases) <= 4, qid


@pytest.mark.parametrize("qid", [qid for qid, v in REFERENCES.items() if v[2] is not None])
def test_reference_agrees_with_brute_force(qid):
    ref, cases, brute, gen = REFERENCES[qid]
    for args, _ in cases:  # the worked examples agree with the brute force as well
        if qid == "q-coding-decision-tree-depth" and len(args[0]) > 100:
            continue  # the recursive brute force is for small trees
        if qid == "q-coding-viterbi-tag-path":
            assert math.isclose(ref(*args)[0], brute(*args)[0])
        else:
            assert _same(ref(*args), brute(*args)), f"{qid}{args!r}"
    for _ in range(200):
        args = gen()
        got, want = ref(*args), brute(*args)
        if qid == "q-coding-viterbi-tag-path":
            score, path = got
            assert math.isclose(score, want[0], abs_tol=1e-9), args
            assert math.isclose(path_score(*args, path), score, abs_tol=1e-9), args
        else:
            assert _same(got, want), f"{qid}{args!r}: {got!r} != {want!r}"
