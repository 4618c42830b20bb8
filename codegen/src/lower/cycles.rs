//! Recursive types: a field whose type contains, without indirection, the struct the field is in is
//! boxed. Computed once over the strongly connected components of the "contains directly" graph, so
//! the cost is linear in the number of types and fields.

use std::collections::BTreeMap;

use crate::ir::*;

/// The named type a type contains directly (arrays and maps are already indirect).
fn direct(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Boxes every field that closes a cycle of direct containment.
pub(crate) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<&String> = types.keys().collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|name| {
            let targets: Vec<&str> = match &types[*name] {
                TypeDef::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
                TypeDef::Union(u) => u.variants.iter().map(|v| v.model.as_str()).collect(),
                TypeDef::Untagged(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
                TypeDef::Alias(a) => direct(&a.target).into_iter().collect(),
                TypeDef::Enum(_) | TypeDef::External(_) => Vec::new(),
            };
            targets.into_iter().filter_map(|t| index.get(t).copied()).collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut boxed = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let self_loop = |target: usize| component[target] == component[i];
        match &types[*name] {
            TypeDef::Struct(s) => {
                for (f, field) in s.fields.iter().enumerate() {
                    if direct(&field.ty).and_then(|t| index.get(t)).is_some_and(|t| self_loop(*t)) {
                        boxed.push(((*name).clone(), f));
                    }
                }
            }
            TypeDef::Untagged(u) => {
                for (v, variant) in u.variants.iter().enumerate() {
                    if direct(&variant.ty).and_then(|t| index.get(t)).is_some_and(|t| self_loop(*t)) {
                        boxed.push(((*name).clone(), v));
                    }
                }
            }
            _ => {}
        }
    }
    for (name, i) in boxed {
        match types.get_mut(&name) {
            Some(TypeDef::Struct(s)) => s.fields[i].boxed = true,
            Some(TypeDef::Untagged(u)) => u.variants[i].boxed = true,
            _ => {}
        }
    }
}

/// The strongly connected component of each node (Tarjan's algorithm, iterative).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNVISITED; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..n {
        if index[start] != UNVISITED {
            continue;
        }
        // (node, position in its edge list)
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 alone
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![]]);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert!(c[3] != c[0] && c[4] != c[3] && c[4] != c[0]);
    }
}
