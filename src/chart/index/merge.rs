//! Merging indexes: the rooms of one [`ChatIndex`] added to another, as if
//! they had been added after its own. This is what lets several workers
//! each read a shard of the rooms (pages of the REST API, parts of a file)
//! into an index of their own, and one index answer for them all.
//!
//! Exact by construction: an identified room of `other` is offered to this
//! index under the rule `add` follows (a newer or equal `_updatedAt`
//! replaces the version held, an older one is ignored), so merging shards
//! in their order gives the index that reading them one after another
//! gives. A room without `_id` is never a duplicate: its entry joins its
//! department's column. `tests/merge_property.rs` holds merged shards to
//! one index over the same rooms.

use super::{ChatIndex, Offer};
use crate::chart::store::room_ids::Held;

impl ChatIndex {
    /// Adds every room of `other` to this index, as [`ChatIndex::add_json`]
    /// would have added them after this index's own rooms; returns how
    /// many rooms `other` held.
    ///
    /// This index keeps its departments list (shards are made with the
    /// same one); names `other` learnt from rooms' embedded `department`
    /// join those of this index where it has none. Both indexes must have
    /// read their dates in the same zone.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Params, Utc};
    /// let mut first = ChatIndex::new(None);
    /// first.add_json(br#"[{"_id":"r1","t":"l","departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":"2020-09-10T10:00:00Z","_updatedAt":"2020-09-10T10:00:00Z","open":true}]"#, &Utc).unwrap();
    /// let mut second = ChatIndex::new(None);
    /// // A later version of r1 (closed), and a room without _id.
    /// second.add_json(br#"[{"_id":"r1","t":"l","departmentId":"d","ts":"2020-09-10T10:00:00Z","_updatedAt":"2020-09-10T11:00:00Z"},{"t":"l","departmentId":"d","ts":"2020-09-10T12:00:00Z","open":true}]"#, &Utc).unwrap();
    /// assert_eq!(first.merge(second), 2);
    /// let params = Params::from_pairs([("start", "2020-09-10"), ("end", "2020-09-11")]);
    /// assert_eq!(first.query(&params, &Utc).to_json(), r#"{"Sales":{"open":1,"closed":1},"success":true}"#);
    /// ```
    pub fn merge(&mut self, mut other: ChatIndex) -> u64 {
        let merged = other.size();
        other.settle();
        if self.embedded.merge_missing(std::mem::take(&mut other.embedded)) {
            self.groups = None;
        }
        if self.size() == 0 && self.slots.is_empty() {
            // Nothing held: `other`'s rooms as they are (a stream's first load).
            (self.slots, self.numbers, self.ids, self.anonymous) = (other.slots, other.numbers, other.ids, other.anonymous);
            self.groups = None;
            return merged;
        }
        let slot_of: Vec<u32> = other.slots.iter().map(|slot| self.slot(slot.department.view())).collect();
        for (entries, &to) in other.entries_without_id().into_iter().zip(&slot_of) {
            entries.into_iter().for_each(|value| self.slots[to as usize].rooms.add(value));
        }
        if self.ids.is_empty() {
            self.ids.reserve(other.ids.len());
        }
        let (ids, slots) = (&mut self.ids, &mut self.slots);
        other.ids.for_each_in_order(|key, text, held| {
            let entry = held.entry.map(|(slot, value)| (slot_of[slot as usize], value));
            match ids.offer_key(key, text, Held { entry, ..held }) {
                Offer::Stale => return,
                Offer::Replaced(Held { entry: Some((slot, value)), .. }) => slots[slot as usize].rooms.remove(value),
                Offer::Replaced(_) | Offer::Added => {}
            }
            if let Some((slot, value)) = entry {
                slots[slot as usize].rooms.add(value);
            }
        });
        self.anonymous += other.anonymous;
        for &slot in &slot_of {
            self.slots[slot as usize].rooms.bound_pending();
        }
        self.ids.tidy();
        merged
    }
}
