"""Staff's side of search: the thesaurus (docs/search.md#the-thesaurus)."""
