module example.com/vetcache/app

go 1.22

require example.com/vetcache/lib v0.0.0

replace example.com/vetcache/lib => ../lib
