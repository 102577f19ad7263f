import csv, json, datetime as dt, re, os, sys
here=os.path.dirname(os.path.abspath(__file__))
rows=list(csv.DictReader(open(os.path.join(here,'index.csv'),encoding='utf-8')))
files={r['file'] for r in rows}
bad=0
assert len(rows)==len(files), "duplicate file rows"
assert len({r['url'] for r in rows})==len(rows), "duplicate URLs"
for r in rows:
    p=dt.date.fromisoformat(r['published'])
    if not (dt.date(2020,1,1)<=p<=dt.date(2025,12,31)): print("pub out of range",r['file']); bad+=1
    if not os.path.exists(os.path.join(here,r['file'])): print("missing",r['file']); bad+=1
WD={'الاثنين':0,'الإثنين':0,'الثلاثاء':1,'الأربعاء':2,'الاربعاء':2,'الخميس':3,'الجمعة':4,'السبت':5,'الأحد':6,'الاحد':6,
    'Monday':0,'Tuesday':1,'Wednesday':2,'Thursday':3,'Friday':4,'Saturday':5,'Sunday':6,
    'Mon':0,'Tue':1,'Wed':2,'Thu':3,'Fri':4,'Sat':5,'Sun':6}
keys=["id","seed","type","date_min","date_max","status","place","province","lat","lon","max_km","geo_precision","core","quote","note"]
ids=set(); seeds_with_gold=set()
for line in open(os.path.join(here,'gold.jsonl'),encoding='utf-8'):
    d=json.loads(line)
    for k in keys:
        if k not in d: print("missing key",k,d.get('id')); bad+=1
    extra=set(d)-set(keys)-{"dest_lat","dest_lon","dest_max_km"}
    if extra: print("extra keys",extra,d['id']); bad+=1
    if d['id'] in ids: print("dup id",d['id']); bad+=1
    ids.add(d['id'])
    if d['seed'] not in files: print("seed not in index",d['seed']); bad+=1
    seeds_with_gold.add(d['seed'])
    txt=open(os.path.join(here,d['seed']),encoding='utf-8').read()
    q=d['quote']
    if q not in txt: print("quote not in file",d['id']); bad+=1
    if '\n' in q or len(q)>=300: print("quote multiline/long",d['id']); bad+=1
    a=dt.date.fromisoformat(d['date_min']); b=dt.date.fromisoformat(d['date_max'])
    if a>b: print("date_min>date_max",d['id']); bad+=1
    if d['type'] not in "attack airstrike withdrawal redeployment handover agreement announcement presence".split(): print("type",d['id']); bad+=1
    if d['status'] not in ("occurred","planned"): print("status",d['id']); bad+=1
    if d['max_km'] not in (10,25,60,400,None): print("max_km",d['id']); bad+=1
    if d['geo_precision'] not in ("site","city","governorate","country","region"): print("prec",d['id']); bad+=1
    if ('dest_lat' in d)!=('dest_lon' in d) or ('dest_lat' in d)!=('dest_max_km' in d): print("dest keys",d['id']); bad+=1
    if d['type']=='redeployment' and 'dest_lat' not in d: print("redeployment without dest",d['id']); bad+=1
    pub=dt.date.fromisoformat(next(r['published'] for r in rows if r['file']==d['seed']))
    if d['status']=='occurred' and a>pub: print("occurred event after publication",d['id']); bad+=1
    # weekday check for single-day events
    if a==b:
        blob=q+' '+d['note']
        for w,n in WD.items():
            if re.search(r'(?<![\w])'+re.escape(w)+r'(?![\w])',blob):
                # accept if the event day or the publication day carries that weekday (note may cite pub weekday)
                if a.weekday()!=n and pub.weekday()!=n:
                    print("weekday mismatch",d['id'],w,a,a.strftime('%A')); bad+=1
                elif a.weekday()!=n:
                    print("  info: weekday",w,"matches publication, not event day:",d['id'])
neg=[r['file'] for r in rows if r['file'] not in seeds_with_gold]
print("articles",len(rows),"events",len(ids),"negatives",neg)
print("FAIL" if bad else "OK", bad)
sys.exit(1 if bad else 0)
