"""Passwords too common to allow (lower-case, no diacritics): the usual lists plus Vietnamese favourites."""

COMMON_PASSWORDS = frozenset("""
12345678 123456789 1234567890 0123456789 87654321 987654321 11111111 00000000 12341234 11223344
123123123 12344321 123456789a 12345678a a12345678 1q2w3e4r 1q2w3e4r5t 1qaz2wsx qwertyui qwerty123
qwertyuiop asdfghjk asdfghjkl zxcvbnm123 password password1 password123 passw0rd p@ssw0rd p@ssword
abc12345 abcd1234 abcdefgh abc123456 iloveyou iloveyou1 sunshine princess football baseball
welcome1 welcome123 admin123 admin1234 administrator letmein1 monkey123 dragon123 master123
trustno1 superman batman123 starwars whatever changeme changeme123 default1 secret123 computer
internet samsung123 matkhau matkhau1 matkhau123 matkhau1234 matkhaumoi matkhau@123 anhyeuem
anhyeuem1 anhyeuem123 emyeuanh emyeuanh1 yeuem123 yeuanh123 vietnam1 vietnam123 vietnam2023
hanoi123 saigon123 congdoan congdoan1 congdoan123 congdoan2023 daihoi2023 daihoi123 daihoicongdoan
ldld1234 ldldtinh 123456aa 123456abc 123456qwe 123qweasd qweasdzxc zaq12wsx 147258369 159753456
741852963 789456123 456789123 a1b2c3d4 aa123456 aaaaaaaa bbbbbbbb 88888888 66666666 99999999
12121212 13131313 69696969 20202020 19901990 01234567 77777777 55555555 22222222 33333333
44444444 qwerty12 football1 michael1 jennifer charlie1 jordan23 liverpool chelsea1 arsenal1
demo1234 test1234 testtest guest123 user1234 khongbiet tenlagi doimatkhau
""".split())
