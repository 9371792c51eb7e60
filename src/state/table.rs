//! The index shapes the world is built from: a [`Table`] of resources by ID kept in list
//! order (CreateTime, then ID), and [`Children`], each parent's resources in that order, so that
//! "one server's certificates" or "one gateway's server" is a lookup, not a scan.
//!
//! Each order is an [`OrderIndex`]: the keys sorted in blocks of a few hundred, each block
//! knowing its length and the sum of its keys' weights, so that page N of a list (the Nth key,
//! or the key holding the Nth tag entry) is found by skipping whole blocks, not by walking the
//! pages before it. A table whose rows name a scope ([`Row::scope`]: account and region) also
//! keeps each scope's rows, and, for rows with tags ([`Row::tags`]), the scope's rows by tag
//! key and by tag key and value, each weighted by its row's number of tags (ListTagResources
//! pages over tag entries). Every index changes only in [`Table::insert`] and
//! [`Table::remove`], so a load, a replay and a rollback (a world rebuilt from the files) keep
//! them as consistent as the rows.

use std::collections::HashMap;
use std::sync::Arc;

use super::doc::Tag;

/// A resource a [`Table`] holds: its ID and the time it is listed by.
pub trait Row {
    fn id(&self) -> &str;
    /// CreateTime, epoch milliseconds; it never changes once the row is in a table.
    fn order_time(&self) -> i64;
    /// The account and region the row belongs to, for the per-scope indexes; `None` (the
    /// default): the table keeps no scope index of it.
    fn scope(&self) -> Option<(&str, &str)> {
        None
    }
    /// The row's user tags, indexed per scope (only rows with a [`Row::scope`]).
    fn tags(&self) -> &[Tag] {
        &[]
    }
}

/// One key of an [`OrderIndex`]: list order, and the weight pages over entries count by.
#[derive(Debug, Clone)]
struct Key {
    time: i64,
    id: Arc<str>,
    weight: u32,
}

impl Key {
    fn cmp_to(&self, time: i64, id: &str) -> std::cmp::Ordering {
        (self.time, &*self.id).cmp(&(time, id))
    }
}

#[derive(Debug, Clone, Default)]
struct Block {
    keys: Vec<Key>,
    weight: u64,
}

/// A block splits above this many keys, and merges with its neighbour below a quarter of it.
/// (Four in unit tests, so that their few keys split and merge blocks.)
const BLOCK: usize = if cfg!(test) { 4 } else { 512 };

/// IDs in list order (time, then ID), each once, with the position of a key (and of a weight)
/// found in O(n / 512 + 512) steps.
#[derive(Debug, Clone, Default)]
pub struct OrderIndex {
    blocks: Vec<Block>,
    len: usize,
    weight: u64,
}

impl OrderIndex {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sum of the keys' weights.
    pub fn weight(&self) -> u64 {
        self.weight
    }

    /// The block that holds (or would hold) the key.
    fn block_of(&self, time: i64, id: &str) -> usize {
        let after = self.blocks.partition_point(|b| {
            b.keys
                .last()
                .is_some_and(|k| k.cmp_to(time, id) == std::cmp::Ordering::Less)
        });
        after.min(self.blocks.len().saturating_sub(1))
    }

    /// Adds a key (nothing if it is there already).
    fn insert(&mut self, time: i64, id: Arc<str>, weight: u32) {
        if self.blocks.is_empty() {
            self.blocks.push(Block::default());
        }
        let b = self.block_of(time, &id);
        let block = &mut self.blocks[b];
        let Err(at) = block.keys.binary_search_by(|k| k.cmp_to(time, &id)) else {
            return;
        };
        block.keys.insert(at, Key { time, id, weight });
        block.weight += u64::from(weight);
        self.len += 1;
        self.weight += u64::from(weight);
        if block.keys.len() > 2 * BLOCK {
            let tail = block.keys.split_off(BLOCK);
            let tail_weight: u64 = tail.iter().map(|k| u64::from(k.weight)).sum();
            block.weight -= tail_weight;
            self.blocks.insert(
                b + 1,
                Block {
                    keys: tail,
                    weight: tail_weight,
                },
            );
        }
    }

    /// Removes a key; whether it was there.
    fn remove(&mut self, time: i64, id: &str) -> bool {
        if self.blocks.is_empty() {
            return false;
        }
        let b = self.block_of(time, id);
        let block = &mut self.blocks[b];
        let Ok(at) = block.keys.binary_search_by(|k| k.cmp_to(time, id)) else {
            return false;
        };
        let key = block.keys.remove(at);
        block.weight -= u64::from(key.weight);
        self.len -= 1;
        self.weight -= u64::from(key.weight);
        if block.keys.is_empty() {
            self.blocks.remove(b);
        } else if block.keys.len() < BLOCK / 4 && b + 1 < self.blocks.len() {
            let next = self.blocks.remove(b + 1);
            let block = &mut self.blocks[b];
            block.keys.extend(next.keys);
            block.weight += next.weight;
            if block.keys.len() > 2 * BLOCK {
                let tail = block.keys.split_off(block.keys.len() / 2);
                let tail_weight: u64 = tail.iter().map(|k| u64::from(k.weight)).sum();
                block.weight -= tail_weight;
                self.blocks.insert(
                    b + 1,
                    Block {
                        keys: tail,
                        weight: tail_weight,
                    },
                );
            }
        }
        true
    }

    /// The keys from block `b`, key `at` on.
    fn keys_from(&self, b: usize, at: usize) -> impl Iterator<Item = &Key> {
        let first = self.blocks.get(b).map_or(&[][..], |blk| &blk.keys[at..]);
        let rest = self.blocks.get(b + 1..).unwrap_or(&[]);
        first
            .iter()
            .chain(rest.iter().flat_map(|blk| blk.keys.iter()))
    }

    /// Every ID, in list order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.keys_from(0, 0).map(|k| &*k.id)
    }

    /// The IDs from position `skip` on (none past the end), without walking those before.
    pub fn iter_from(&self, skip: usize) -> impl Iterator<Item = &str> {
        let mut rest = skip;
        let mut b = 0;
        while b < self.blocks.len() && rest >= self.blocks[b].keys.len() {
            rest -= self.blocks[b].keys.len();
            b += 1;
        }
        self.keys_from(b, rest).map(|k| &*k.id)
    }

    /// The IDs from the one whose weight holds entry `start` (counting each key's weight as
    /// that many entries) on, and how many of that first key's entries come before `start`.
    pub fn iter_from_weight(&self, start: u64) -> (impl Iterator<Item = &str>, u64) {
        let mut rest = start;
        let mut b = 0;
        while b < self.blocks.len() && rest >= self.blocks[b].weight {
            rest -= self.blocks[b].weight;
            b += 1;
        }
        let mut at = 0;
        if let Some(block) = self.blocks.get(b) {
            while at < block.keys.len() && rest >= u64::from(block.keys[at].weight) {
                rest -= u64::from(block.keys[at].weight);
                at += 1;
            }
        }
        (self.keys_from(b, at).map(|k| &*k.id), rest)
    }
}

/// A scope's rows: all, by tag key, and by tag key and value, each weighted by its row's tags.
#[derive(Debug, Clone, Default)]
struct Scoped {
    all: OrderIndex,
    by_key: HashMap<String, OrderIndex>,
    by_pair: HashMap<String, HashMap<String, OrderIndex>>,
}

impl Scoped {
    fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

/// Rows by ID, iterated in list order (CreateTime, then ID).
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: HashMap<String, T>,
    order: OrderIndex,
    /// Account, then region: the indexes of the rows with a [`Row::scope`].
    scopes: HashMap<String, HashMap<String, Scoped>>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: HashMap::new(),
            order: OrderIndex::default(),
            scopes: HashMap::new(),
        }
    }
}

/// The index under `name`, made if there is none.
fn index_of<'a>(map: &'a mut HashMap<String, OrderIndex>, name: &str) -> &'a mut OrderIndex {
    if !map.contains_key(name) {
        map.insert(name.to_owned(), OrderIndex::default());
    }
    map.get_mut(name).expect("just made")
}

/// A row's tags as the index counts them: its number of tag entries.
fn tag_weight(tags: &[Tag]) -> u32 {
    u32::try_from(tags.len()).unwrap_or(u32::MAX)
}

impl<T: Row> Table<T> {
    pub fn with_capacity(n: usize) -> Self {
        Table {
            rows: HashMap::with_capacity(n),
            ..Table::default()
        }
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.rows.get(id)
    }

    /// The row to change in place; its order time, scope and tags must stay as they are.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.rows.get_mut(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.rows.contains_key(id)
    }

    /// How many rows.
    #[allow(dead_code)] // Table's API, for the tables that need it
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    #[allow(dead_code)] // Table's API, for the tables that need it
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds a row, or replaces the one with its ID (which may then move in the order).
    pub fn insert(&mut self, row: T) -> Option<T> {
        let old = self.remove(row.id());
        let id: Arc<str> = Arc::from(row.id());
        let time = row.order_time();
        self.order.insert(time, id.clone(), 1);
        if let Some((account, region)) = row.scope() {
            let scoped = self
                .scopes
                .entry(account.to_owned())
                .or_default()
                .entry(region.to_owned())
                .or_default();
            let tags = row.tags();
            let weight = tag_weight(tags);
            scoped.all.insert(time, id.clone(), weight);
            for tag in tags {
                // Looked up before an entry is made: most keys and values are there already,
                // and a load should not copy each tag's strings to find that out.
                index_of(&mut scoped.by_key, &tag.key).insert(time, id.clone(), weight);
                let values = match scoped.by_pair.get_mut(&tag.key) {
                    Some(values) => values,
                    None => scoped.by_pair.entry(tag.key.clone()).or_default(),
                };
                index_of(values, &tag.value).insert(time, id.clone(), weight);
            }
        }
        self.rows.insert(row.id().to_owned(), row);
        old
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        let row = self.rows.remove(id)?;
        let time = row.order_time();
        self.order.remove(time, id);
        if let Some((account, region)) = row.scope()
            && let Some(regions) = self.scopes.get_mut(account)
        {
            if let Some(scoped) = regions.get_mut(region) {
                scoped.all.remove(time, id);
                for tag in row.tags() {
                    if let Some(index) = scoped.by_key.get_mut(&tag.key) {
                        index.remove(time, id);
                        if index.is_empty() {
                            scoped.by_key.remove(&tag.key);
                        }
                    }
                    if let Some(values) = scoped.by_pair.get_mut(&tag.key) {
                        if let Some(index) = values.get_mut(&tag.value) {
                            index.remove(time, id);
                            if index.is_empty() {
                                values.remove(&tag.value);
                            }
                        }
                        if values.is_empty() {
                            scoped.by_pair.remove(&tag.key);
                        }
                    }
                }
                if scoped.is_empty() {
                    regions.remove(region);
                }
            }
            if regions.is_empty() {
                self.scopes.remove(account);
            }
        }
        Some(row)
    }

    /// Every row, in list order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows_of(self.order.iter())
    }

    /// The rows from position `skip` on, in list order, without walking those before.
    #[allow(dead_code)] // Table's API, for the tables that need it
    pub fn iter_from(&self, skip: usize) -> impl Iterator<Item = &T> {
        self.rows_of(self.order.iter_from(skip))
    }

    fn rows_of<'a>(&'a self, ids: impl Iterator<Item = &'a str>) -> impl Iterator<Item = &'a T> {
        ids.filter_map(|id| self.rows.get(id))
    }

    /// The index of one scope's rows: all (`tag` `None`), those with a tag key, or with a tag
    /// key and value. `None`: no such rows.
    pub fn scope_index(
        &self,
        account: &str,
        region: &str,
        tag: Option<(&str, Option<&str>)>,
    ) -> Option<&OrderIndex> {
        let scoped = self.scopes.get(account)?.get(region)?;
        match tag {
            None => Some(&scoped.all),
            Some((key, None)) => scoped.by_key.get(key),
            Some((key, Some(value))) => scoped.by_pair.get(key)?.get(value),
        }
    }

    /// How many rows a scope has (those with a [`Row::scope`] only).
    pub fn count_in(&self, account: &str, region: &str) -> usize {
        self.scope_index(account, region, None)
            .map_or(0, OrderIndex::len)
    }

    /// A scope's rows from position `skip` on, in list order, without walking those before.
    pub fn iter_in_from(
        &self,
        account: &str,
        region: &str,
        skip: usize,
    ) -> impl Iterator<Item = &T> {
        let ids = self
            .scope_index(account, region, None)
            .into_iter()
            .flat_map(move |index| index.iter_from(skip));
        self.rows_of(ids)
    }

    /// Pages over tag entries (each row counts its tags): the rows of an index from the one
    /// holding entry `start` on, and how many of that row's entries come before `start`.
    pub fn rows_from_entry<'a>(
        &'a self,
        index: &'a OrderIndex,
        start: u64,
    ) -> (impl Iterator<Item = &'a T>, u64) {
        let (ids, within) = index.iter_from_weight(start);
        (self.rows_of(ids), within)
    }
}

/// Each parent's children (by ID), in list order.
#[derive(Debug, Clone, Default)]
pub struct Children {
    of: HashMap<String, OrderIndex>,
}

impl Children {
    pub fn insert(&mut self, parent: &str, row: &impl Row) {
        self.of.entry(parent.to_owned()).or_default().insert(
            row.order_time(),
            Arc::from(row.id()),
            1,
        );
    }

    pub fn remove(&mut self, parent: &str, row: &impl Row) {
        if let Some(index) = self.of.get_mut(parent) {
            index.remove(row.order_time(), row.id());
            if index.is_empty() {
                self.of.remove(parent);
            }
        }
    }

    pub fn count(&self, parent: &str) -> usize {
        self.of.get(parent).map_or(0, OrderIndex::len)
    }

    /// The IDs of a parent's children, in list order.
    pub fn of<'a>(&'a self, parent: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.of_from(parent, 0)
    }

    /// The IDs of a parent's children from position `skip` on, in list order, without walking
    /// those before.
    pub fn of_from<'a>(
        &'a self,
        parent: &str,
        skip: usize,
    ) -> impl Iterator<Item = &'a str> + use<'a> {
        self.of
            .get(parent)
            .into_iter()
            .flat_map(move |index| index.iter_from(skip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str, i64);
    impl Row for R {
        fn id(&self) -> &str {
            self.0
        }
        fn order_time(&self) -> i64 {
            self.1
        }
    }

    #[test]
    fn rows_come_in_create_time_then_id_order_and_replace_by_id() {
        let mut t = Table::default();
        t.insert(R("b", 2));
        t.insert(R("c", 1));
        t.insert(R("a", 2));
        let ids: Vec<&str> = t.iter().map(Row::id).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        t.insert(R("c", 3));
        let ids: Vec<&str> = t.iter().map(Row::id).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(t.iter().count(), 3);
        assert!(t.remove("a").is_some() && t.remove("a").is_none());
        assert_eq!(t.iter().count(), 2);
    }

    #[test]
    fn children_are_counted_listed_and_forgotten() {
        let mut c = Children::default();
        c.insert("p", &R("x", 5));
        c.insert("p", &R("y", 4));
        assert_eq!(c.of("p").collect::<Vec<_>>(), ["y", "x"]);
        assert_eq!(c.count("p"), 2);
        c.remove("p", &R("x", 5));
        c.remove("p", &R("y", 4));
        assert_eq!(c.count("p"), 0);
        assert!(c.of.is_empty());
    }

    proptest::proptest! {
        /// Random inserts and removes across many small blocks: positions and weights find
        /// what a sorted reference finds by walking.
        #[test]
        fn the_order_index_pages_as_a_sorted_walk(
            ops in proptest::collection::vec((proptest::bool::weighted(0.7), 0i64..4, 0u8..60, 0u32..4), 0..300),
        ) {
            let mut index = OrderIndex::default();
            let mut reference = std::collections::BTreeMap::new();
            for (insert, time, n, weight) in ops {
                let id = format!("r{n:02}");
                if insert {
                    reference.entry((time, id.clone())).or_insert(weight);
                    index.insert(time, Arc::from(id.as_str()), weight);
                } else {
                    proptest::prop_assert_eq!(index.remove(time, &id), reference.remove(&(time, id)).is_some());
                }
            }
            let keys: Vec<(&str, u32)> = reference.iter().map(|((_, id), w)| (id.as_str(), *w)).collect();
            proptest::prop_assert_eq!(index.len(), keys.len());
            proptest::prop_assert_eq!(index.weight(), keys.iter().map(|(_, w)| u64::from(*w)).sum::<u64>());
            proptest::prop_assert!(index.blocks.iter().all(|b| !b.keys.is_empty() && b.keys.len() <= 2 * BLOCK));
            for skip in 0..=keys.len() + 1 {
                let got: Vec<&str> = index.iter_from(skip).collect();
                let want: Vec<&str> = keys.iter().skip(skip).map(|(id, _)| *id).collect();
                proptest::prop_assert_eq!(got, want);
            }
            let entries: Vec<(&str, u32)> = keys
                .iter()
                .flat_map(|(id, w)| (0..*w).map(move |i| (*id, i)))
                .collect();
            for start in 0..=entries.len() + 1 {
                let (ids, within) = index.iter_from_weight(start as u64);
                let ids: Vec<&str> = ids.collect();
                // The IDs are the keys from some position on; each with its weight's entries.
                let from = keys.len() - ids.len().min(keys.len());
                proptest::prop_assert!(ids.iter().eq(keys[from..].iter().map(|(id, _)| id)));
                let got: Vec<(&str, u32)> = keys[from..]
                    .iter()
                    .flat_map(|(id, w)| (0..*w).map(move |i| (*id, i)))
                    .skip(within as usize)
                    .collect();
                proptest::prop_assert_eq!(got, entries[start.min(entries.len())..].to_vec());
            }
        }
    }
}
