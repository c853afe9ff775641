module example.com/vetcache/lib

go 1.22
