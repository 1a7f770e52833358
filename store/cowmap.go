package store

import (
	"hash/maphash"
	"math/bits"
)

// cowMap is a persistent map for the catalog's big indexes (applications,
// accounts, users by id; applications by app_id and by user_key): an
// immutable value, which a change copies only in the shards it touches.
// Copying a 100,000-entry Go map costs milliseconds; copying one shard of
// it and the shard table costs microseconds.
type cowMap[K comparable, V any] struct {
	shards *[cowShards]map[K]V
	n      int
	hash   func(K) uint64
}

const cowShards = 1024

var keySeed = maphash.MakeSeed()

// hashID spreads the dense ids of a table over the shards.
func hashID(id int64) uint64 { return bits.RotateLeft64(uint64(id)*0x9e3779b97f4a7c15, 32) }

func hashKey(k string) uint64 { return maphash.String(keySeed, k) }

func newKeyMap[V any]() *cowMap[string, V] {
	return &cowMap[string, V]{shards: new([cowShards]map[string]V), hash: hashKey}
}

// buildCowMap makes a map of the n entries at gives, each shard made at
// its size.
func buildCowMap[K comparable, V any](hash func(K) uint64, n int, at func(i int) (K, V)) *cowMap[K, V] {
	m := &cowMap[K, V]{shards: new([cowShards]map[K]V), n: n, hash: hash}
	var sizes [cowShards]int
	for i := range n {
		k, _ := at(i)
		sizes[hash(k)%cowShards]++
	}
	for i := range n {
		k, v := at(i)
		sh := &m.shards[hash(k)%cowShards]
		if *sh == nil {
			*sh = make(map[K]V, sizes[hash(k)%cowShards])
		}
		(*sh)[k] = v
	}
	m.n = 0
	for _, sh := range m.shards {
		m.n += len(sh)
	}
	return m
}

func (m *cowMap[K, V]) get(k K) (V, bool) {
	v, ok := m.shards[m.hash(k)%cowShards][k]
	return v, ok
}

// len is the number of entries.
func (m *cowMap[K, V]) len() int { return m.n }

// each calls fn for every entry, in no particular order.
func (m *cowMap[K, V]) each(fn func(K, V)) {
	for _, sh := range m.shards {
		for k, v := range sh {
			fn(k, v)
		}
	}
}

// cowEdit builds a new version of a map; each shard it writes is copied
// once, then written in place. The map it came from does not change.
type cowEdit[K comparable, V any] struct {
	m     *cowMap[K, V]
	owned [cowShards / 64]uint64
}

// edit starts a new version of m.
func (m *cowMap[K, V]) edit() *cowEdit[K, V] {
	shards := *m.shards
	return &cowEdit[K, V]{m: &cowMap[K, V]{shards: &shards, n: m.n, hash: m.hash}}
}

func (e *cowEdit[K, V]) shard(k K) map[K]V {
	i := e.m.hash(k) % cowShards
	if e.owned[i/64]&(1<<(i%64)) == 0 {
		old := e.m.shards[i]
		sh := make(map[K]V, len(old)+1)
		for k, v := range old {
			sh[k] = v
		}
		e.m.shards[i] = sh
		e.owned[i/64] |= 1 << (i % 64)
	}
	return e.m.shards[i]
}

func (e *cowEdit[K, V]) get(k K) (V, bool) { return e.m.get(k) }

func (e *cowEdit[K, V]) set(k K, v V) {
	sh := e.shard(k)
	if _, ok := sh[k]; !ok {
		e.m.n++
	}
	sh[k] = v
}

func (e *cowEdit[K, V]) del(k K) {
	if _, ok := e.m.get(k); !ok {
		return
	}
	delete(e.shard(k), k)
	e.m.n--
}

// done returns the new version; the edit must not be used afterwards.
func (e *cowEdit[K, V]) done() *cowMap[K, V] { return e.m }
