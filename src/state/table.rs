//! The two index shapes the world is built from: a [`Table`] of resources by ID kept in list
//! order (CreateTime, then ID), and [`Children`], each parent's resources in that order, so that
//! "one server's certificates" or "one gateway's server" is a lookup, not a scan.

use std::collections::{BTreeSet, HashMap};

/// A resource a [`Table`] holds: its ID and the time it is listed by.
pub trait Row {
    fn id(&self) -> &str;
    /// CreateTime, epoch milliseconds; it never changes once the row is in a table.
    fn order_time(&self) -> i64;
}

/// Rows by ID, iterated in list order (CreateTime, then ID).
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: HashMap<String, T>,
    order: BTreeSet<(i64, String)>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: HashMap::new(),
            order: BTreeSet::new(),
        }
    }
}

impl<T: Row> Table<T> {
    pub fn with_capacity(n: usize) -> Self {
        Table {
            rows: HashMap::with_capacity(n),
            order: BTreeSet::new(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.rows.get(id)
    }

    /// The row to change in place; its order time must stay as it is.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.rows.get_mut(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.rows.contains_key(id)
    }

    /// Adds a row, or replaces the one with its ID (which may then move in the order).
    pub fn insert(&mut self, row: T) -> Option<T> {
        let old = self.remove(row.id());
        self.order.insert((row.order_time(), row.id().to_owned()));
        self.rows.insert(row.id().to_owned(), row);
        old
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        let row = self.rows.remove(id)?;
        self.order.remove(&(row.order_time(), id.to_owned()));
        Some(row)
    }

    /// Every row, in list order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.order.iter().filter_map(|(_, id)| self.rows.get(id))
    }
}

/// Each parent's children (by ID), in list order.
#[derive(Debug, Clone, Default)]
pub struct Children {
    of: HashMap<String, BTreeSet<(i64, String)>>,
}

impl Children {
    pub fn insert(&mut self, parent: &str, row: &impl Row) {
        self.of
            .entry(parent.to_owned())
            .or_default()
            .insert((row.order_time(), row.id().to_owned()));
    }

    pub fn remove(&mut self, parent: &str, row: &impl Row) {
        if let Some(set) = self.of.get_mut(parent) {
            set.remove(&(row.order_time(), row.id().to_owned()));
            if set.is_empty() {
                self.of.remove(parent);
            }
        }
    }

    pub fn count(&self, parent: &str) -> usize {
        self.of.get(parent).map_or(0, BTreeSet::len)
    }

    /// The IDs of a parent's children, in list order.
    pub fn of<'a>(&'a self, parent: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.of
            .get(parent)
            .into_iter()
            .flat_map(|set| set.iter().map(|(_, id)| id.as_str()))
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
}
