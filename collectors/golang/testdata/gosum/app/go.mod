module example.com/fixture/gosum/app

go 1.16

require example.com/fixture/gosum/lib v0.0.0

replace example.com/fixture/gosum/lib => ../lib
