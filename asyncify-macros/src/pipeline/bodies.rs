//! Parsing the item without parsing its methods' bodies.
//!
//! The pipeline never reads a method's body (a remote declaration's body is
//! only an error, reported at its braces), yet syn parses every statement of
//! every body, and prints each one back: on a client of 1,000 methods that
//! was a tenth of the expansion. So each body's brace group is replaced by an
//! empty one before `syn::parse2`, and put back afterwards as one verbatim
//! statement, `Block { stmts: [Stmt::Item(Item::Verbatim(body))] }`, which
//! prints the user's own tokens inside the same braces.
//!
//! Input: `impl Client { pub fn get(&self) -> u8 { self.send(..) } }`
//! Parsed: `impl Client { pub fn get(&self) -> u8 {} }`, then the body is put
//! back.
//!
//! A body is a top-level brace group of a function item of the impl or trait
//! (found by its qualifiers: attributes, visibility, `default`, `const`,
//! `async`, `unsafe`, `safe`, `extern "abi"`, then `fn`), the first that is
//! not followed by `>` or `,` (a const argument in the signature,
//! `-> Foo<{ N }>`, is a top-level brace group too). A body that starts with
//! an inner attribute (`#![..]`, `//!`) is left in place: syn moves those
//! into the function's attributes, which the pipeline reads. Anything the
//! scan does not expect (a macro in the signature, an invisible group of a
//! `macro_rules!` fragment before `fn`, an item that does not
//! end, a function syn reads as verbatim tokens, a count that does not
//! match) falls back to parsing everything, so the result is always what
//! the full parse gives.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// `syn::parse2::<syn::Item>(input)`, without parsing the bodies of the
/// methods of an impl block or trait.
pub(crate) fn parse_item(input: TokenStream) -> syn::Result<syn::Item> {
    if let Some((stubbed, bodies)) = stub(&input) {
        if let Ok(mut item) = syn::parse2::<syn::Item>(stubbed) {
            if restore(&mut item, bodies) {
                return Ok(item);
            }
        }
    }
    syn::parse2(input)
}

/// The item with each method body that can be taken out replaced by `{}`,
/// and one entry per function with a body, in order: the body taken out, or
/// `None` for one left in place.
fn stub(input: &TokenStream) -> Option<(TokenStream, Vec<Option<Group>>)> {
    let mut outer: Vec<TokenTree> = input.clone().into_iter().collect();
    let Some(TokenTree::Group(block)) = outer.last() else {
        return None;
    };
    if block.delimiter() != Delimiter::Brace {
        return None;
    }
    let mut tokens: Vec<TokenTree> = block.stream().into_iter().collect();
    let mut bodies = Vec::new();
    let mut start = 0;
    while start < tokens.len() {
        let (end, body) = scan_item(&tokens, start)?;
        if let Some(index) = body {
            let TokenTree::Group(group) = &tokens[index] else {
                return None;
            };
            if starts_with_inner_attribute(group) {
                bodies.push(None);
            } else {
                let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
                empty.set_span(group.span());
                let TokenTree::Group(original) =
                    std::mem::replace(&mut tokens[index], TokenTree::Group(empty))
                else {
                    return None;
                };
                bodies.push(Some(original));
            }
        }
        start = end;
    }
    if bodies.iter().all(Option::is_none) {
        return None;
    }
    let mut stubbed = Group::new(Delimiter::Brace, tokens.into_iter().collect());
    stubbed.set_span(block.span());
    *outer.last_mut()? = TokenTree::Group(stubbed);
    Some((outer.into_iter().collect(), bodies))
}

/// The end (one past the last token) of the item of an impl or trait body
/// that starts at `start`, and the index of its body if it is a function
/// with one; `None` for what this scan does not expect.
fn scan_item(tokens: &[TokenTree], start: usize) -> Option<(usize, Option<usize>)> {
    let mut index = start;
    // The attributes, visibility and qualifiers before `fn`.
    let function = loop {
        match tokens.get(index)? {
            TokenTree::Punct(punct) if punct.as_char() == '#' => {
                index += 1;
                if is_punct(tokens.get(index), '!') {
                    index += 1;
                }
                match tokens.get(index)? {
                    TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => {
                        index += 1;
                    }
                    _ => return None,
                }
            }
            TokenTree::Ident(ident) if ident == "pub" => {
                index += 1;
                if let Some(TokenTree::Group(group)) = tokens.get(index) {
                    if group.delimiter() == Delimiter::Parenthesis {
                        index += 1;
                    }
                }
            }
            TokenTree::Ident(ident) if ident == "extern" => {
                index += 1;
                if let Some(TokenTree::Literal(_)) = tokens.get(index) {
                    index += 1;
                }
            }
            TokenTree::Ident(ident)
                if ident == "default"
                    || ident == "const"
                    || ident == "async"
                    || ident == "unsafe"
                    || ident == "safe" =>
            {
                index += 1;
            }
            TokenTree::Ident(ident) => break ident == "fn",
            // A `$vis` from a `macro_rules!` (an invisible group): what
            // follows is not seen here, so everything is parsed.
            TokenTree::Group(group) if group.delimiter() == Delimiter::None => return None,
            _ => break false,
        }
    };
    while let Some(token) = tokens.get(index) {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ';' => return Some((index + 1, None)),
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                let after_bang = index > start && is_punct(tokens.get(index - 1), '!');
                if !function {
                    // A macro item, `name! { .. }`, ends at its braces; a
                    // const's braces (`= { .. };`, `Foo<{ N }>`) do not.
                    if after_bang {
                        return Some((index + 1, None));
                    }
                } else if after_bang {
                    // A macro in the signature (`-> ty!{..}`).
                    return None;
                } else if !is_punct(tokens.get(index + 1), '>')
                    && !is_punct(tokens.get(index + 1), ',')
                {
                    return Some((index + 1, Some(index)));
                }
            }
            _ => {}
        }
        index += 1;
    }
    // An item that does not end: syn's error comes from the full parse.
    None
}

fn is_punct(token: Option<&TokenTree>, ch: char) -> bool {
    matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == ch)
}

/// `{ #![..] .. }` (or `{ //! .. }`, which is the same tokens).
fn starts_with_inner_attribute(group: &Group) -> bool {
    let mut tokens = group.stream().into_iter();
    is_punct(tokens.next().as_ref(), '#') && is_punct(tokens.next().as_ref(), '!')
}

/// Puts the bodies taken out back into the parsed item; false if the
/// functions with bodies are not the ones [`stub`] found.
fn restore(item: &mut syn::Item, bodies: Vec<Option<Group>>) -> bool {
    let mut bodies = bodies.into_iter();
    let mut put_back = |block: &mut syn::Block| match bodies.next() {
        Some(Some(body)) if block.stmts.is_empty() => {
            *block = syn::Block {
                brace_token: syn::token::Brace(body.delim_span()),
                stmts: vec![syn::Stmt::Item(syn::Item::Verbatim(body.stream()))],
            };
            true
        }
        Some(None) => true,
        _ => false,
    };
    let all = match item {
        syn::Item::Impl(item) => item.items.iter_mut().all(|item| match item {
            syn::ImplItem::Fn(method) => put_back(&mut method.block),
            // It may hold a body that is now `{}`.
            syn::ImplItem::Verbatim(_) => false,
            _ => true,
        }),
        syn::Item::Trait(item) => item.items.iter_mut().all(|item| match item {
            syn::TraitItem::Fn(method) => method.default.as_mut().is_none_or(&mut put_back),
            syn::TraitItem::Verbatim(_) => false,
            _ => true,
        }),
        _ => false,
    };
    all && bodies.next().is_none()
}

/// Whether [`parse_item`] reads `input` with its bodies left out.
#[cfg(test)]
pub(super) fn parses_stubbed(input: &TokenStream) -> bool {
    stub(input).is_some_and(|(stubbed, bodies)| {
        syn::parse2::<syn::Item>(stubbed).is_ok_and(|mut item| restore(&mut item, bodies))
    })
}
